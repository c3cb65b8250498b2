import { type FormEvent } from 'react';
import { runSelected } from '../sim-bridge';
import { MAX_SEED_LENGTH, seedError, useApp } from '../store';

export function RunControls() {
  const protocols = useApp((s) => s.protocols);
  const protocolId = useApp((s) => s.protocolId);
  const seed = useApp((s) => s.seed);
  const running = useApp((s) => s.running);
  const selectProtocol = useApp((s) => s.selectProtocol);
  const setSeed = useApp((s) => s.setSeed);

  const invalidSeed = seedError(seed);
  const noProtocols = protocols.length === 0;
  const selected = protocols.find((p) => p.id === protocolId);

  function onSubmit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    runSelected();
  }

  return (
    <form className="toolbar" onSubmit={onSubmit} aria-label="Run controls">
      <div className="field">
        <label htmlFor="protocol">Protocol</label>
        <select
          id="protocol"
          value={protocolId ?? ''}
          disabled={noProtocols}
          onChange={(e) => selectProtocol(e.target.value)}
          title={selected?.summary}
        >
          {noProtocols ? (
            <option value="">No protocols available</option>
          ) : (
            protocols.map((p) => (
              <option key={p.id} value={p.id}>
                {p.title}
              </option>
            ))
          )}
        </select>
      </div>

      <div className="field">
        <label htmlFor="seed">Seed</label>
        <input
          id="seed"
          className="mono"
          value={seed}
          maxLength={MAX_SEED_LENGTH}
          spellCheck={false}
          autoComplete="off"
          aria-invalid={invalidSeed !== null}
          aria-describedby={invalidSeed !== null ? 'seed-error' : undefined}
          onChange={(e) => setSeed(e.target.value)}
        />
        {invalidSeed !== null && (
          <span id="seed-error" className="field-error">
            {invalidSeed}
          </span>
        )}
      </div>

      <button
        type="submit"
        className="primary"
        disabled={noProtocols || invalidSeed !== null || running}
      >
        {running ? 'Running…' : 'Run'}
      </button>

      {selected && <p className="toolbar-note">{selected.summary}</p>}
    </form>
  );
}
