/**
 * The history checker off the page's thread: it receives a CheckRequest (plain data) and
 * answers with the checkers' results. See verdict.ts.
 */
import { type CheckRequest, runCheck } from './verdict';

interface Job {
  readonly id: number;
  readonly request: CheckRequest;
}

self.onmessage = (event: MessageEvent<Job>) => {
  const { id, request } = event.data;
  self.postMessage({ id, answer: runCheck(request) });
};
