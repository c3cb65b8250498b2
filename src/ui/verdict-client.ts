/**
 * Runs history checks in a worker (one at a time): a request for another history terminates a
 * check still running for an older one, so the answer always concerns where the cursor is now.
 * Without workers (tests, old browsers) the check runs on the page, synchronously.
 */
import { type CheckAnswer, type CheckRequest, type Checker, runCheck } from './verdict';

interface Pending {
  readonly id: number;
  readonly resolve: (answer: CheckAnswer | null) => void;
}

let worker: Worker | null = null;
let pending: Pending | null = null;
let nextId = 1;

function startWorker(): Worker {
  const created = new Worker(new URL('./verdict-worker.ts', import.meta.url), { type: 'module' });
  created.onmessage = (event: MessageEvent<{ id: number; answer: CheckAnswer }>) => {
    if (pending === null || pending.id !== event.data.id) return;
    const done = pending;
    pending = null;
    done.resolve(event.data.answer);
  };
  created.onerror = (event) => {
    const done = pending;
    pending = null;
    worker?.terminate();
    worker = null;
    done?.resolve({
      results: [],
      error: `the checker stopped: ${event.message || 'worker error'}`,
    });
  };
  return created;
}

/** Check in the worker; a check still running is dropped (its promise resolves null). */
export const workerChecker: Checker = (request: CheckRequest) => {
  if (typeof Worker === 'undefined') return Promise.resolve(runCheck(request));
  if (pending !== null) {
    pending.resolve(null);
    pending = null;
    worker?.terminate();
    worker = null;
  }
  worker ??= startWorker();
  const id = nextId++;
  const job = worker;
  return new Promise((resolve) => {
    pending = { id, resolve };
    job.postMessage({ id, request });
  });
};

/** Whether a check is running. */
export function checking(): boolean {
  return pending !== null;
}
