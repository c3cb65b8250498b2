import type { Message, NodeId, Rng } from '../../../src/sim/types';
import { RecordingCtx, type Sent } from '../recording-ctx';

/**
 * The shared recording context, with what the Paxos and Multi-Paxos tests add: `steps`
 * interleaves the persists and sends of the last handler run, so a test can check that the disk
 * was written before a reply left; `draw` picks the end of a range that the rng answers.
 */
export class PaxosCtx<M extends Message> extends RecordingCtx<M> {
  steps: string[] = [];
  /** What rng.range answers: 'min' or 'max' of the range. */
  draw: 'min' | 'max' = 'min';
  override readonly rng: Rng = {
    int: () => 0,
    range: (min, max) => (this.draw === 'min' ? min : max),
    chancePpm: () => false,
  };

  override send(to: NodeId, msg: M): void {
    super.send(to, msg);
    this.steps.push(`send ${msg.type}`);
  }
  override persist(key: string, value: unknown): void {
    this.steps.push(`persist ${key}`);
    super.persist(key, value);
  }

  /** As RecordingCtx.record, with `steps` starting empty too. */
  override record(handler: () => void): Sent<M>[] {
    this.steps = [];
    return super.record(handler);
  }
}
