import { type ChangeEvent, useRef } from 'react';
import { exportTrace } from '../../sim/export';
import { parseScenarioJson } from '../../sim/scenario';
import { copyText, download } from '../files';
import { currentFragment, currentRun, openScenario } from '../sim-bridge';
import { appStore } from '../store';

const MAX_FILE_BYTES = 1_048_576;

/** Share and files: copy the link, export / import the scenario, export the trace. */
export function ShareTools() {
  const fileInput = useRef<HTMLInputElement>(null);

  async function onImport(event: ChangeEvent<HTMLInputElement>) {
    const file = event.target.files?.[0];
    event.target.value = '';
    if (!file) return;
    const state = appStore.getState();
    if (file.size > MAX_FILE_BYTES) {
      state.setBanner(`That file is too large (${file.size} bytes; at most ${MAX_FILE_BYTES}).`);
      return;
    }
    const parsed = parseScenarioJson(await file.text());
    const error = parsed.ok ? openScenario(parsed.value, 0) : parsed.error;
    state.setBanner(error === null ? null : `That scenario could not be opened: ${error}`);
  }

  async function onCopy() {
    const fragment = currentFragment();
    if (fragment === null) return;
    const url = `${location.origin}${location.pathname}${fragment}`;
    const ok = await copyText(url);
    appStore
      .getState()
      .setToast(ok ? 'Link copied' : 'The browser refused the clipboard: copy the address bar');
    setTimeout(() => appStore.getState().setToast(null), 2500);
  }

  function onExportScenario() {
    const run = currentRun();
    if (!run) return;
    const s = run.simulation.currentScenario();
    download(`splitbrain-${s.protocol}-${s.seed}.json`, `${JSON.stringify(s, null, 2)}\n`);
  }

  function onExportTrace() {
    const run = currentRun();
    if (!run) return;
    const s = run.simulation.scenario;
    download(
      `splitbrain-trace-${s.protocol}-${s.seed}-${run.simulation.now}.json`,
      JSON.stringify(exportTrace(run.simulation)),
    );
  }

  return (
    <div className="share-tools">
      <button
        type="button"
        className="small"
        onClick={onCopy}
        title="Copy a link that reopens exactly this run"
      >
        Copy link
      </button>
      <details className="menu-button">
        <summary>Files</summary>
        <div className="menu-list">
          <button type="button" onClick={onExportScenario}>
            Export scenario (JSON)
          </button>
          <button type="button" onClick={() => fileInput.current?.click()}>
            Import scenario…
          </button>
          <button type="button" onClick={onExportTrace}>
            Export trace (JSON)
          </button>
        </div>
      </details>
      <input
        ref={fileInput}
        type="file"
        accept="application/json,.json"
        hidden
        aria-label="Scenario file"
        onChange={onImport}
      />
    </div>
  );
}
