import { describe, expect, it } from 'vitest';
import { requestDigest } from '../../../src/protocols/pbft/digest';
import { NULL_DIGEST, VIEW_CHANGE_TIMER } from '../../../src/protocols/pbft/types';
import { Replica, certify, commit, only, opOf, prePrepare, prepare, put } from './fake-ctx';

/**
 * Section 4.2 of Castro and Liskov, the normal-case operation, one rule per test, driving one
 * replica's handlers through a recording context. Four replicas: f = 1, quorum 2f + 1 = 3.
 */

describe('4.2 the client and the primary', () => {
  it('the primary assigns the next sequence number to a request and multicasts PRE-PREPARE with its digest', () => {
    const primary = new Replica(0);
    const r = put(1, 1);
    const sent = primary.client(opOf(r));
    const pps = only(sent, 'PRE-PREPARE');
    expect(pps).toHaveLength(3);
    expect(pps[0]).toEqual({
      type: 'PRE-PREPARE',
      view: 0,
      n: 1,
      digest: requestDigest(r),
      request: r,
    });
    expect(sent.map((s) => s.to)).toEqual([1, 2, 3]);
    primary.client(opOf(put(2, 1)));
    expect(primary.state.slots.get(2)!.prePrepare!.msg.request).toEqual(put(2, 1));
  });

  it('the primary does not assign one request twice (a retransmission)', () => {
    const primary = new Replica(0);
    primary.client(opOf(put(1, 1)));
    expect(only(primary.client(opOf(put(1, 1))), 'PRE-PREPARE')).toEqual([]);
    expect(primary.state.seqAssigned).toBe(1);
  });

  it('the primary assigns no sequence number above the high watermark h + L', () => {
    const primary = new Replica(0, { params: { checkpointInterval: 1 } });
    for (let client = 0; client < 4; client++) primary.client(opOf(put(client, 1)));
    expect(primary.state.seqAssigned).toBe(2);
    expect(primary.state.pending.size).toBe(4);
  });

  it('a backup relays a client request to the primary and starts its view-change timer', () => {
    const backup = new Replica(2);
    const sent = backup.client(opOf(put(1, 1)));
    expect(sent).toEqual([{ to: 0, msg: { type: 'REQUEST', request: put(1, 1) } }]);
    expect(backup.ctx.timers.has(VIEW_CHANGE_TIMER)).toBe(true);
  });
});

describe('4.2 pre-prepare', () => {
  it('a backup accepts a pre-prepare only in its view, within the watermarks, and not for a sequence number it accepted with another digest', () => {
    const backup = new Replica(1);
    const L = 2 * (backup.ctx.params.checkpointInterval as number);
    // Another view: ignored.
    expect(backup.receive(0, prePrepare(1, 1, put(5, 1)))).toEqual([]);
    // Outside (h, h + L]: ignored.
    expect(backup.receive(0, prePrepare(0, L + 1, put(5, 1)))).toEqual([]);
    expect(backup.receive(0, prePrepare(0, 0, put(5, 1)))).toEqual([]);
    // In the view and the window: accepted, PREPARE multicast.
    expect(only(backup.receive(0, prePrepare(0, 1, put(5, 1))), 'PREPARE')).toHaveLength(3);
    // The same n with another digest: ignored, the first stays.
    expect(backup.receive(0, prePrepare(0, 1, put(6, 1)))).toEqual([]);
    expect(backup.state.slots.get(1)!.prePrepare!.msg.request).toEqual(put(5, 1));
  });

  it('a backup accepts pre-prepares only from the primary of the view', () => {
    const backup = new Replica(1);
    expect(backup.receive(2, prePrepare(0, 1, put(5, 1)))).toEqual([]);
    expect(backup.state.slots.get(1)?.prePrepare ?? null).toBeNull();
  });

  it('a backup rejects a pre-prepare whose digest is not the digest of its request', () => {
    const backup = new Replica(1);
    const forged = { ...prePrepare(0, 1, put(5, 1)), digest: requestDigest(put(6, 1)) };
    expect(backup.receive(0, forged)).toEqual([]);
    expect(backup.receive(0, { ...prePrepare(0, 1, null), digest: 'x' })).toEqual([]);
  });

  it('a backup that accepts a pre-prepare logs it to disk before it multicasts PREPARE', () => {
    const backup = new Replica(3);
    const sent = backup.receive(0, prePrepare(0, 1, put(5, 1)));
    expect(only(sent, 'PREPARE')[0]).toEqual(prepare(0, 1, put(5, 1)));
    expect(backup.ctx.disk.get('slot/1')).toMatchObject({ prePrepare: { signer: 0 } });
  });

  it('BUG accept-conflicting: the backup replaces the pre-prepare it accepted with another digest', () => {
    const backup = new Replica(1, { variant: 'accept-conflicting' });
    backup.receive(0, prePrepare(0, 1, put(5, 1)));
    const sent = backup.receive(0, prePrepare(0, 1, null));
    expect(only(sent, 'PREPARE')[0]!.digest).toBe(NULL_DIGEST);
    expect(backup.state.slots.get(1)!.prePrepare!.msg.digest).toBe(NULL_DIGEST);
  });
});

describe('4.2 prepare and commit', () => {
  it('prepared needs the pre-prepare and 2f matching prepares from different backups', () => {
    const backup = new Replica(1);
    const r = put(5, 1);
    backup.receive(0, prePrepare(0, 1, r));
    // The primary's prepare does not count, nor a prepare for another digest.
    backup.receive(0, prepare(0, 1, r));
    expect(backup.receive(2, prepare(0, 1, put(6, 1)))).toEqual([]);
    expect(backup.state.slots.get(1)!.prepared).toBeNull();
    // Its own prepare and one more from another backup: 2f = 2.
    const sent = backup.receive(2, prepare(0, 1, r));
    expect(only(sent, 'COMMIT')).toEqual([commit(0, 1, r), commit(0, 1, r), commit(0, 1, r)]);
    expect(backup.state.slots.get(1)!.prepared!.prepares.map((p) => p.signer)).toEqual([1, 2]);
  });

  it('prepares that arrive before the pre-prepare count once it arrives', () => {
    const backup = new Replica(1);
    const r = put(5, 1);
    backup.receive(2, prepare(0, 1, r));
    backup.receive(3, prepare(0, 1, r));
    expect(only(backup.receive(0, prePrepare(0, 1, r)), 'COMMIT')).toHaveLength(3);
  });

  it('committed-local needs prepared and 2f + 1 matching commits from different replicas', () => {
    const backup = new Replica(1);
    const r = put(5, 1);
    certify(backup, 0, 1, r, [2], [2, 2]);
    expect(backup.state.slots.get(1)!.committed).toBeNull();
    backup.receive(3, commit(0, 1, put(6, 1)));
    expect(backup.state.slots.get(1)!.committed).toBeNull();
    backup.receive(3, commit(0, 1, r));
    expect(backup.state.slots.get(1)!.committed).toMatchObject({
      view: 0,
      digest: requestDigest(r),
    });
    expect(backup.state.lastExecuted).toBe(1);
  });

  it('BUG commit-quorum-2f: 2f matching commits are enough', () => {
    const backup = new Replica(1, { variant: 'commit-quorum-2f' });
    certify(backup, 0, 1, put(5, 1), [2], [2]);
    expect(backup.state.slots.get(1)!.committed).not.toBeNull();
  });

  it('commits are accepted only in the current view and between the watermarks', () => {
    const backup = new Replica(1);
    const r = put(5, 1);
    certify(backup, 0, 1, r, [2], []);
    backup.receive(2, commit(1, 1, r));
    backup.receive(3, commit(1, 1, r));
    expect(backup.state.slots.get(1)!.committed).toBeNull();
  });
});

describe('4.2 execution and reply', () => {
  it('a replica executes requests in sequence-number order: a committed request waits for those before it', () => {
    const backup = new Replica(1);
    certify(backup, 0, 2, put(6, 1, 'x', 'second'), [2], [2, 3]);
    expect(backup.state.lastExecuted).toBe(0);
    certify(backup, 0, 1, put(5, 1, 'x', 'first'), [2], [2, 3]);
    expect(backup.state.lastExecuted).toBe(2);
    expect(backup.state.store.kv.get('x')).toBe('second');
  });

  it('every replica replies to the client after executing, and a retransmitted request gets the same reply', () => {
    const backup = new Replica(2);
    const r = put(5, 1);
    certify(backup, 0, 1, r, [1], [1, 3]);
    expect(backup.ctx.replies).toEqual([
      { op: { client: 5, seq: 1, f: 'put', key: 'x' }, result: { kind: 'ok' } },
    ]);
    backup.client(opOf(r));
    expect(backup.ctx.replies).toHaveLength(2);
    expect(backup.ctx.replies[1]!.result).toEqual({ kind: 'ok' });
  });

  it('the null request executes as a no-op', () => {
    const backup = new Replica(1);
    certify(backup, 0, 1, null, [2], [2, 3]);
    expect(backup.state.lastExecuted).toBe(1);
    expect(backup.state.store.kv.size).toBe(0);
    expect(backup.ctx.replies).toEqual([]);
  });

  it('a backup stops its timer when it waits for no request any more', () => {
    const backup = new Replica(1);
    const r = put(5, 1);
    backup.client(opOf(r));
    expect(backup.ctx.timers.has(VIEW_CHANGE_TIMER)).toBe(true);
    certify(backup, 0, 1, r, [2], [2, 3]);
    expect(backup.ctx.timers.has(VIEW_CHANGE_TIMER)).toBe(false);
  });
});
