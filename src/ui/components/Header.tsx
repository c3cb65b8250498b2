import { type ThemeChoice, useApp } from '../store';
import { THEME_CHOICES } from '../theme';
import { ShareTools } from './ShareTools';

const THEME_LABELS: Record<ThemeChoice, string> = {
  system: 'Auto',
  light: 'Light',
  dark: 'Dark',
};

function Logo() {
  // Two halves of one cluster, drifting apart.
  return (
    <svg className="logo" viewBox="0 0 32 32" aria-hidden="true">
      <circle cx="11" cy="16" r="8" className="logo-left" />
      <circle cx="21" cy="16" r="8" className="logo-right" />
    </svg>
  );
}

export function Header() {
  const theme = useApp((s) => s.theme);
  const setTheme = useApp((s) => s.setTheme);
  const presenter = useApp((s) => s.presenter);
  const setPresenter = useApp((s) => s.setPresenter);
  const setHelpOpen = useApp((s) => s.setHelpOpen);
  const toast = useApp((s) => s.toast);
  const hasRun = useApp((s) => s.lastRun !== null);
  return (
    <header className="header">
      <div className="brand">
        <Logo />
        <h1>splitbrain</h1>
        <span className="tagline">a deterministic simulator of distributed protocols</span>
      </div>
      <div className="header-tools">
        {toast !== null && (
          <span className="toast" role="status">
            {toast}
          </span>
        )}
        {hasRun && <ShareTools />}
        <button
          type="button"
          className="small"
          aria-pressed={presenter}
          onClick={() => setPresenter(!presenter)}
          title="Large type, high contrast, editing controls hidden"
        >
          Presenter
        </button>
        <button
          type="button"
          className="small"
          onClick={() => setHelpOpen(true)}
          aria-label="Keyboard shortcuts"
          title="Keyboard shortcuts (?)"
        >
          ?
        </button>
        <div className="segmented" role="group" aria-label="Colour theme">
          {THEME_CHOICES.map((choice) => (
            <button
              key={choice}
              type="button"
              aria-pressed={theme === choice}
              onClick={() => setTheme(choice)}
            >
              {THEME_LABELS[choice]}
            </button>
          ))}
        </div>
      </div>
    </header>
  );
}
