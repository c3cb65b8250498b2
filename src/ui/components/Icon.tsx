/** Small inline icons (no icon font, no emoji: they render the same everywhere). */
const PATHS = {
  start: 'M4 3h2v10H4zM14 3v10L7 8z',
  back: 'M3 3h2v10H3zM13 3v10L6 8z',
  play: 'M4 2.5v11L13.5 8z',
  pause: 'M4 3h3v10H4zM9 3h3v10H9z',
  forward: 'M11 3h2v10h-2zM3 3v10l7-5z',
  end: 'M10 3h2v10h-2zM2 3v10l7-5z',
  dice: 'M3 2h10a1 1 0 0 1 1 1v10a1 1 0 0 1-1 1H3a1 1 0 0 1-1-1V3a1 1 0 0 1 1-1zm2 2a1.2 1.2 0 1 0 0 2.4A1.2 1.2 0 0 0 5 4zm6 0a1.2 1.2 0 1 0 0 2.4A1.2 1.2 0 0 0 11 4zM8 6.8a1.2 1.2 0 1 0 0 2.4 1.2 1.2 0 0 0 0-2.4zM5 9.6A1.2 1.2 0 1 0 5 12a1.2 1.2 0 0 0 0-2.4zm6 0a1.2 1.2 0 1 0 0 2.4 1.2 1.2 0 0 0 0-2.4z',
} as const;

export function Icon({ name }: { name: keyof typeof PATHS }) {
  return (
    <svg className="icon-svg" viewBox="0 0 16 16" width="16" height="16" aria-hidden="true">
      <path d={PATHS[name]} fill="currentColor" fillRule="evenodd" />
    </svg>
  );
}
