import { useApp } from '../store';

/** A notice about the address the app was opened with. Text only: never rendered as HTML. */
export function Banner() {
  const banner = useApp((s) => s.banner);
  const setBanner = useApp((s) => s.setBanner);
  if (banner === null) return null;
  return (
    <div className="banner" role="alert">
      <span>{banner}</span>
      <button type="button" onClick={() => setBanner(null)} aria-label="Dismiss">
        ×
      </button>
    </div>
  );
}
