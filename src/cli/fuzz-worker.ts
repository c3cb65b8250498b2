import { parentPort, workerData } from 'node:worker_threads';
import type { Micros, Scenario } from '../sim/types';
import { runSeed } from './fuzz-seeds';

/** A sweep worker: runs the seeds it is sent, one batch at a time, and reports each result. */
const { base, untilMicros } = workerData as { base: Scenario; untilMicros: Micros };
const port = parentPort!;
port.on('message', (seeds: string[] | null) => {
  if (seeds === null) {
    port.close();
    return;
  }
  port.postMessage(seeds.map((seed) => runSeed(base, seed, untilMicros)));
});
port.postMessage([]);
