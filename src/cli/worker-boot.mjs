// Starts a TypeScript worker module: register tsx in this worker thread, then load it.
import { workerData } from 'node:worker_threads';
import { register } from 'tsx/esm/api';

register();
await import(workerData.entry);
