import { type ChangeEvent, useRef } from 'react';
import { exportTrace } from '../../sim/export';
import { parseScenarioJson } from '../../sim/scenario';
import {
  downloadBlob,
  resolvedColor,
  spaceTimeExporter,
  standaloneSvg,
  svgToPng,
} from '../diagram-export';
import { copyText, download } from '../files';
import { currentFragment, currentRun, openScenario } from '../sim-bridge';
import { appStore } from '../store';

const MAX_FILE_BYTES = 1_048_576;

/** Share and files: copy the link, export / import the scenario, export the trace. */
export function ShareTools() {
  const fileInput = useRef<HTMLInputElement>(null);
  const menu = useRef<HTMLDetailsElement>(null);

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

  /** "splitbrain-raft-1-2000000us-cluster". */
  function baseName(view: string): string {
    const run = currentRun();
    if (!run) return `splitbrain-${view}`;
    const s = run.simulation.scenario;
    return `splitbrain-${s.protocol}-${s.seed}-${run.simulation.now}us-${view}`;
  }

  function clusterSvg(): string {
    const svg = document.querySelector<SVGSVGElement>('.stage .cluster > svg');
    if (!svg) throw new Error('the cluster view is not on screen');
    return standaloneSvg(
      svg,
      resolvedColor(svg.parentElement ?? document.body, '--surface', '#fff'),
    );
  }

  async function exportDiagram(view: 'cluster' | 'spacetime', format: 'svg' | 'png') {
    try {
      const spaceTime = spaceTimeExporter();
      if (view === 'spacetime' && !spaceTime)
        throw new Error('the space-time diagram is not on screen');
      const name = `${baseName(view)}.${format}`;
      if (format === 'svg') {
        const text = view === 'cluster' ? clusterSvg() : spaceTime!.svg();
        downloadBlob(name, new Blob([text], { type: 'image/svg+xml' }));
      } else {
        const blob = view === 'cluster' ? await svgToPng(clusterSvg()) : await spaceTime!.png();
        downloadBlob(name, blob);
      }
    } catch (error) {
      const why = error instanceof Error ? error.message : String(error);
      appStore
        .getState()
        .setBanner(
          `The ${view === 'cluster' ? 'cluster' : 'space-time'} diagram could not be exported: ${why}.`,
        );
    }
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
      <details className="menu-button" ref={menu}>
        <summary>Files</summary>
        {/* A choice closes the menu. */}
        <div
          className="menu-list"
          onClick={() => {
            if (menu.current) menu.current.open = false;
          }}
        >
          <button type="button" onClick={onExportScenario}>
            Export scenario (JSON)
          </button>
          <button type="button" onClick={() => fileInput.current?.click()}>
            Import scenario…
          </button>
          <button type="button" onClick={onExportTrace}>
            Export trace (JSON)
          </button>
          <hr />
          <button type="button" onClick={() => exportDiagram('cluster', 'svg')}>
            Export cluster view (SVG)
          </button>
          <button type="button" onClick={() => exportDiagram('cluster', 'png')}>
            Export cluster view (PNG)
          </button>
          <button type="button" onClick={() => exportDiagram('spacetime', 'svg')}>
            Export space-time diagram (SVG)
          </button>
          <button type="button" onClick={() => exportDiagram('spacetime', 'png')}>
            Export space-time diagram (PNG)
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
