import { Banner } from './components/Banner';
import { Header } from './components/Header';
import { RunControls } from './components/RunControls';
import { Stage } from './components/Stage';
import { useThemeEffect } from './theme';

export function App() {
  useThemeEffect();
  return (
    <div className="app">
      <Header />
      <Banner />
      <RunControls />
      <main className="workspace">
        <Stage />
      </main>
    </div>
  );
}
