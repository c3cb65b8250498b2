import { type FormEvent, useState } from 'react';
import type { ParamDef } from '../../sim/types';
import { pause, play } from '../driver';
import { randomSeed } from '../files';
import { protocolModule, resetRun, runSelected } from '../sim-bridge';
import { MAX_SEED_LENGTH, appStore, seedError, useApp } from '../store';
import { Icon } from './Icon';

/**
 * The scenario bar: protocol, nodes, parameters, buggy variant, seed, preset; Run starts a
 * fresh run from these; Reset replays the current one without the actions taken; share and
 * files on the right.
 */
export function RunControls() {
  const protocols = useApp((s) => s.protocols);
  const protocolId = useApp((s) => s.protocolId);
  const seed = useApp((s) => s.seed);
  const running = useApp((s) => s.running);
  const draft = useApp((s) => s.draft);
  const selectProtocol = useApp((s) => s.selectProtocol);
  const setSeed = useApp((s) => s.setSeed);
  const setDraft = useApp((s) => s.setDraft);

  const invalidSeed = seedError(seed);
  const noProtocols = protocols.length === 0;
  const selected = protocols.find((p) => p.id === protocolId);
  const module = protocolModule(protocolId);
  const variant = draft.variant !== null ? module?.variants[draft.variant] : undefined;
  const nodes = draft.nodes ?? module?.defaults.nodes ?? 5;
  const changedParams = Object.keys(draft.params).filter(
    (k) => module?.params[k] && draft.params[k] !== module.params[k]!.default,
  ).length;

  function onSubmit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    pause();
    runSelected(0);
    if (appStore.getState().error === null) play();
  }

  return (
    <form className="toolbar scenario-bar" onSubmit={onSubmit} aria-label="Scenario">
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

      <div className="field narrow">
        <label htmlFor="nodes">Nodes</label>
        <input
          id="nodes"
          type="number"
          min={1}
          max={64}
          value={nodes}
          onChange={(e) => {
            const n = Number(e.target.value);
            if (Number.isInteger(n) && n >= 1 && n <= 64) setDraft({ nodes: n });
          }}
        />
      </div>

      <div className="field">
        <label htmlFor="seed">Seed</label>
        <div className="inline">
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
          <button
            type="button"
            className="icon"
            aria-label="Random"
            title="Draw a random value"
            onClick={() => setSeed(randomSeed())}
          >
            <Icon name="dice" />
          </button>
        </div>
        {invalidSeed !== null && (
          <span id="seed-error" className="field-error">
            {invalidSeed}
          </span>
        )}
      </div>

      {module && module.presets.length > 0 && (
        <div className="field">
          <label htmlFor="preset">Preset</label>
          <select
            id="preset"
            value={draft.presetId ?? ''}
            onChange={(e) => setDraft({ presetId: e.target.value === '' ? null : e.target.value })}
            title={module.presets.find((p) => p.id === draft.presetId)?.description}
          >
            <option value="">Default</option>
            {module.presets.map((p) => (
              <option key={p.id} value={p.id} title={p.description}>
                {p.title}
              </option>
            ))}
          </select>
        </div>
      )}

      {module && Object.keys(module.variants).length > 0 && (
        <div className={`field${variant ? ' buggy' : ''}`}>
          <label htmlFor="variant">Variant</label>
          <select
            id="variant"
            value={draft.variant ?? ''}
            onChange={(e) => setDraft({ variant: e.target.value === '' ? null : e.target.value })}
            aria-describedby={variant ? 'variant-explanation' : undefined}
          >
            <option value="">Faithful</option>
            {Object.entries(module.variants).map(([id, info]) => (
              <option key={id} value={id}>
                {info.label.startsWith('BUG') ? info.label : `BUG: ${info.label}`}
              </option>
            ))}
          </select>
        </div>
      )}

      {module && Object.keys(module.params).length > 0 && (
        <details className="params">
          <summary>Parameters{changedParams > 0 ? ` (${changedParams} changed)` : ''}</summary>
          <div className="params-body">
            {Object.entries(module.params).map(([key, def]) => (
              <ParamField
                key={key}
                id={key}
                def={def}
                value={draft.params[key] ?? def.default}
                onChange={(v) => setDraft({ params: { ...draft.params, [key]: v } })}
              />
            ))}
          </div>
        </details>
      )}

      <button
        type="submit"
        className="primary"
        disabled={noProtocols || invalidSeed !== null || running}
      >
        {running ? 'Running…' : 'Run'}
      </button>
      <button
        type="button"
        onClick={() => {
          pause();
          resetRun(0);
        }}
        title="Start this scenario over, without the actions taken while watching"
      >
        Reset
      </button>

      {variant && (
        <p id="variant-explanation" className="bug-note" role="note">
          <strong>Known bug switched on:</strong> {variant.explanation}
        </p>
      )}
    </form>
  );
}

function ParamField({
  id,
  def,
  value,
  onChange,
}: {
  id: string;
  def: ParamDef;
  value: number | boolean | string;
  onChange: (value: number | boolean | string) => void;
}) {
  const inputId = `param-${id}`;
  return (
    <div className="field" title={def.help}>
      <label htmlFor={inputId}>
        {def.label}
        {def.kind === 'int' && def.unit ? ` (${def.unit})` : ''}
      </label>
      {def.kind === 'int' && (
        <input
          id={inputId}
          type="number"
          min={def.min}
          max={def.max}
          value={Number(value)}
          onChange={(e) => {
            const n = Number(e.target.value);
            if (Number.isInteger(n) && n >= def.min && n <= def.max) onChange(n);
          }}
        />
      )}
      {def.kind === 'bool' && (
        <input
          id={inputId}
          type="checkbox"
          checked={Boolean(value)}
          onChange={(e) => onChange(e.target.checked)}
        />
      )}
      {def.kind === 'enum' && (
        <select id={inputId} value={String(value)} onChange={(e) => onChange(e.target.value)}>
          {def.options.map((o) => (
            <option key={o} value={o}>
              {o}
            </option>
          ))}
        </select>
      )}
      {def.kind === 'text' && (
        <TextParamInput
          key={String(value)}
          id={inputId}
          def={def}
          value={String(value)}
          onChange={onChange}
        />
      )}
      <span className="help">{def.help}</span>
    </div>
  );
}

/**
 * A text parameter: edited freely, applied only when it matches what the parameter accepts
 * (keyed by the applied value, so a new value from elsewhere resets the draft).
 */
function TextParamInput({
  id,
  def,
  value,
  onChange,
}: {
  id: string;
  def: Extract<ParamDef, { kind: 'text' }>;
  value: string;
  onChange: (value: string) => void;
}) {
  const [draft, setDraft] = useState(value);
  const valid = draft.length <= def.maxLength && new RegExp(`^(?:${def.pattern})$`).test(draft);
  return (
    <input
      id={id}
      type="text"
      value={draft}
      maxLength={def.maxLength}
      aria-invalid={!valid}
      title={`${def.help} Accepts ${def.accepts}.`}
      onChange={(e) => setDraft(e.target.value)}
      onBlur={() => (valid ? onChange(draft) : setDraft(value))}
      onKeyDown={(e) => {
        if (e.key === 'Enter' && valid) onChange(draft);
      }}
    />
  );
}
