import { useEffect, useRef } from 'react';
import { SHORTCUTS } from '../keyboard';
import { useApp } from '../store';

/** The ? overlay: every keyboard shortcut. */
export function HelpOverlay() {
  const open = useApp((s) => s.helpOpen);
  const setOpen = useApp((s) => s.setHelpOpen);
  const close = useRef<HTMLButtonElement>(null);
  useEffect(() => {
    if (open) close.current?.focus();
  }, [open]);
  if (!open) return null;
  return (
    <div className="overlay" onClick={() => setOpen(false)}>
      <div
        className="dialog"
        role="dialog"
        aria-modal="true"
        aria-labelledby="help-title"
        onClick={(e) => e.stopPropagation()}
      >
        <h2 id="help-title">Keyboard shortcuts</h2>
        <table className="shortcuts">
          <tbody>
            {SHORTCUTS.map(([keys, what]) => (
              <tr key={keys}>
                <th scope="row">
                  <kbd>{keys}</kbd>
                </th>
                <td>{what}</td>
              </tr>
            ))}
          </tbody>
        </table>
        <p className="muted small">
          Click a node for crash, restart, amnesia, pause; click a link to cut it. Every action is
          recorded in the address, so a copied link replays it exactly.
        </p>
        <button ref={close} type="button" onClick={() => setOpen(false)}>
          Close
        </button>
      </div>
    </div>
  );
}
