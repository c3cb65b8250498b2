import { useEffect } from 'react';
import { runCommand } from './commands';
import { Banner } from './components/Banner';
import { Header } from './components/Header';
import { HelpOverlay } from './components/HelpOverlay';
import { RunControls } from './components/RunControls';
import { SidePanel } from './components/SidePanel';
import { SpaceTime } from './components/SpaceTime';
import { Stage } from './components/Stage';
import { Timeline } from './components/Timeline';
import { commandFor } from './keyboard';
import { useApp } from './store';
import { useThemeEffect } from './theme';

function useShortcuts(): void {
  useEffect(() => {
    function onKey(event: KeyboardEvent) {
      const target = event.target instanceof HTMLElement ? event.target : null;
      const command = commandFor({
        key: event.key,
        shiftKey: event.shiftKey,
        ctrlKey: event.ctrlKey,
        metaKey: event.metaKey,
        altKey: event.altKey,
        targetTag: target?.tagName ?? 'BODY',
        targetType: target instanceof HTMLInputElement ? target.type : '',
      });
      if (command === null) return;
      if (command !== 'close') event.preventDefault();
      runCommand(command);
    }
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, []);
}

export function App() {
  useThemeEffect();
  useShortcuts();
  const presenter = useApp((s) => s.presenter);
  const hasRun = useApp((s) => s.lastRun !== null);
  return (
    <div className={`app${presenter ? ' presenter' : ''}`}>
      <Header />
      <Banner />
      {!presenter && <RunControls />}
      <main className="workspace">
        <Stage />
        {hasRun && <SidePanel />}
        {hasRun && <SpaceTime />}
      </main>
      {hasRun && <Timeline />}
      <HelpOverlay />
    </div>
  );
}
