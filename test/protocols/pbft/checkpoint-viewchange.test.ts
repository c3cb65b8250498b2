import { describe, expect, it } from 'vitest';
import { dataFor } from '../../../src/protocols/pbft/checkpoint';
import { requestDigest, stateDigest } from '../../../src/protocols/pbft/digest';
import type {
  Checkpoint,
  PbftMsg,
  PreparedProof,
  Request,
  Status,
  ViewChange,
} from '../../../src/protocols/pbft/types';
import { NULL_DIGEST, VIEW_CHANGE_TIMER } from '../../../src/protocols/pbft/types';
import { Replica, certify, only, prePrepare, prepare, put } from './fake-ctx';

/** Sections 4.3 (garbage collection) and 4.4 (view changes), with four replicas (f = 1). */

/** A replica with K = 2 that executed two requests, and so took a checkpoint at 2. */
function afterTwo(self = 1): Replica {
  const replica = new Replica(self, { params: { checkpointInterval: 2 } });
  const others = [1, 2, 3].filter((id) => id !== self);
  certify(replica, 0, 1, put(5, 1), others.slice(0, 1), others);
  certify(replica, 0, 2, put(6, 1), others.slice(0, 1), others);
  return replica;
}

function checkpointFrom(replica: Replica, n: number): Checkpoint {
  return { type: 'CHECKPOINT', n, digest: stateDigest(replica.state.store) };
}

/** n1 of afterTwo, whose checkpoint at 2 the CHECKPOINTs of n2 and n3 made stable. */
function stableAtTwo(): Replica {
  const replica = afterTwo(1);
  replica.receive(2, checkpointFrom(replica, 2));
  replica.receive(3, checkpointFrom(replica, 2));
  return replica;
}

/** The STATUS of a peer in `view` that has executed nothing and has no stable checkpoint. */
function status(view: number, viewChanging: boolean): Status {
  return { type: 'STATUS', view, viewChanging, h: 0, executed: 0 };
}

describe('4.3 checkpoints and garbage collection', () => {
  it('after every K requests a replica multicasts CHECKPOINT with the digest of its state', () => {
    const replica = new Replica(1, { params: { checkpointInterval: 2 } });
    certify(replica, 0, 1, put(5, 1), [2], [2, 3]);
    replica.ctx.sent = [];
    certify(replica, 0, 2, put(6, 1), [2], [2]);
    expect(
      only(
        replica.receive(3, { type: 'COMMIT', view: 0, n: 2, digest: requestDigest(put(6, 1)) }),
        'CHECKPOINT',
      ),
    ).toEqual(Array(3).fill(checkpointFrom(replica, 2)));
  });

  it('2f + 1 matching checkpoint messages make it stable: h moves up, the log below is discarded, the window moves', () => {
    const replica = afterTwo();
    const L = 4;
    expect(replica.receive(0, prePrepare(0, 2 + L, put(9, 1)))).toEqual([]);
    replica.receive(2, checkpointFrom(replica, 2));
    expect(replica.state.stable.n).toBe(0);
    replica.receive(3, checkpointFrom(replica, 2));
    expect(replica.state.stable.n).toBe(2);
    expect([...replica.state.slots.keys()]).toEqual([]);
    expect(replica.ctx.disk.has('slot/1')).toBe(false);
    expect(replica.ctx.disk.get('stable')).toMatchObject({ n: 2 });
    expect(only(replica.receive(0, prePrepare(0, 2 + L, put(9, 1))), 'PREPARE')).toHaveLength(3);
  });

  it('checkpoint messages with other digests do not make a checkpoint stable', () => {
    const replica = afterTwo();
    replica.receive(2, { type: 'CHECKPOINT', n: 2, digest: 'ffffffffffffffff' });
    replica.receive(3, { type: 'CHECKPOINT', n: 2, digest: 'eeeeeeeeeeeeeeee' });
    expect(replica.state.stable.n).toBe(0);
  });

  it('a replica behind a stable checkpoint takes the state (DATA) only with a valid proof and a state of that digest', () => {
    const ahead = stableAtTwo();
    const data = dataFor(ahead.state)!;
    expect(data.proof.map((vote) => vote.signer)).toEqual([1, 2, 3]);
    const behind = new Replica(3, { params: { checkpointInterval: 2 } });
    // A state that is not the one 2f + 1 replicas signed, or a proof with too few signers: refused.
    const tampered = { ...data, state: { kv: new Map([['x', 'evil']]), sessions: new Map() } };
    behind.receive(2, tampered);
    behind.receive(2, { ...data, proof: data.proof.slice(0, 2) });
    expect(behind.state.lastExecuted).toBe(0);
    behind.receive(2, data);
    expect(behind.state.lastExecuted).toBe(2);
    expect(behind.state.stable.n).toBe(2);
    expect(behind.state.store.kv).toEqual(ahead.state.store.kv);
  });

  it('a peer whose STATUS shows it is behind the stable checkpoint is sent the state', () => {
    const ahead = stableAtTwo();
    const sent = ahead.receive(3, status(0, false));
    expect(only(sent, 'DATA')).toHaveLength(1);
  });
});

// ---- View changes -----------------------------------------------------------------------------

/** A prepared certificate for r at n in `view`, signed by its primary and two backups. */
function certificate(view: number, n: number, r: Request | null, nodes = 4): PreparedProof {
  const primary = view % nodes;
  const backups = [0, 1, 2, 3].filter((id) => id !== primary).slice(0, 2);
  return {
    n,
    view,
    digest: requestDigest(r),
    request: r,
    prePrepare: { signer: primary, msg: prePrepare(view, n, r) },
    prepares: backups.map((signer) => ({ signer, msg: prepare(view, n, r) })),
  };
}

function viewChange(view: number, prepared: PreparedProof[] = []): ViewChange {
  return { type: 'VIEW-CHANGE', view, n: 0, checkpointProof: [], prepared };
}

/** n2 after the VIEW-CHANGEs of n1 and n3 for view 1 and its own timeout there: in view 2. */
function movedOn(): Replica {
  const ahead = new Replica(2);
  ahead.receive(1, viewChange(1));
  ahead.receive(3, viewChange(1));
  ahead.timer(VIEW_CHANGE_TIMER);
  return ahead;
}

describe('4.4 view changes', () => {
  it('when its timer expires a backup moves to view v + 1 and multicasts VIEW-CHANGE with its stable checkpoint and prepared certificates', () => {
    const backup = new Replica(2);
    const r = put(5, 1);
    certify(backup, 0, 1, r, [1], []);
    backup.client({ client: 6, seq: 1, f: 'put', key: 'y', value: 'v' });
    const sent = backup.timer(VIEW_CHANGE_TIMER);
    const [vc] = only(sent, 'VIEW-CHANGE');
    expect(vc).toMatchObject({ view: 1, n: 0, checkpointProof: [] });
    expect(vc!.prepared.map((p) => [p.n, p.view, p.digest])).toEqual([[1, 0, requestDigest(r)]]);
    expect(backup.state).toMatchObject({ view: 1, status: 'view-change' });
    expect(backup.ctx.disk.get('view')).toMatchObject({
      view: 1,
      status: 'view-change',
      newView: null,
      sent: [vc],
    });
  });

  it('during a view change a replica accepts only checkpoint, view-change and new-view messages', () => {
    const backup = new Replica(2);
    backup.client({ client: 6, seq: 1, f: 'put', key: 'y', value: 'v' });
    backup.timer(VIEW_CHANGE_TIMER);
    expect(backup.receive(1, prePrepare(1, 1, put(5, 1)))).toEqual([]);
    backup.receive(3, prepare(1, 1, put(5, 1)));
    expect(backup.state.slots.size).toBe(0);
  });

  it('f + 1 VIEW-CHANGE messages for higher views make a replica move to the smallest of them', () => {
    const backup = new Replica(3);
    expect(backup.receive(1, viewChange(2))).toEqual([]);
    expect(backup.state.view).toBe(0);
    const sent = backup.receive(2, viewChange(3));
    expect(only(sent, 'VIEW-CHANGE')[0]!.view).toBe(2);
    expect(backup.state).toMatchObject({ view: 2, status: 'view-change' });
  });

  it('a replica that sent VIEW-CHANGE starts its timer only once it has 2f + 1 VIEW-CHANGE messages for that view', () => {
    const backup = new Replica(3);
    backup.client({ client: 6, seq: 1, f: 'put', key: 'y', value: 'v' });
    backup.timer(VIEW_CHANGE_TIMER);
    expect(backup.ctx.timers.has(VIEW_CHANGE_TIMER)).toBe(false);
    backup.receive(1, viewChange(1));
    expect(backup.ctx.timers.has(VIEW_CHANGE_TIMER)).toBe(false);
    backup.receive(2, viewChange(1));
    expect(backup.ctx.timers.has(VIEW_CHANGE_TIMER)).toBe(true);
    expect(backup.state.quorumSeenFor).toBe(1);
  });

  it('a replica that moved on resends its VIEW-CHANGE for a view a peer is still changing to', () => {
    const ahead = movedOn();
    expect(ahead.state.view).toBe(2);
    const sent = ahead.receive(3, status(1, true));
    expect(only(sent, 'VIEW-CHANGE').map((vc) => vc.view)).toEqual([1]);
  });

  it('the new primary sends NEW-VIEW with O: each prepared request again (highest view wins), null requests in the gaps', () => {
    const next = new Replica(1);
    const old = put(5, 1);
    next.receive(2, viewChange(1, [certificate(0, 1, old), certificate(0, 3, put(7, 1))]));
    expect(next.state.status).toBe('normal');
    // The second VIEW-CHANGE (f + 1) brings n1 along, and with its own that makes 2f + 1.
    const sent = next.receive(3, viewChange(1, [certificate(0, 1, old)]));
    const [nv] = only(sent, 'NEW-VIEW');
    expect(nv!.viewChanges.map((vc) => vc.signer)).toEqual([1, 2, 3]);
    expect(nv!.prePrepares.map((pp) => [pp.view, pp.n, pp.digest])).toEqual([
      [1, 1, requestDigest(old)],
      [1, 2, NULL_DIGEST],
      [1, 3, requestDigest(put(7, 1))],
    ]);
    expect(next.state).toMatchObject({ view: 1, status: 'normal', seqAssigned: 3 });
  });

  it('O takes, for a sequence number, the request prepared in the highest view', () => {
    const next = new Replica(2);
    next.receive(0, viewChange(2, [certificate(0, 1, put(5, 1))]));
    const [nv] = only(next.receive(1, viewChange(2, [certificate(1, 1, put(6, 1))])), 'NEW-VIEW');
    expect(nv!.prePrepares.map((pp) => pp.request)).toEqual([put(6, 1)]);
  });

  it('a backup enters the new view only when O is exactly what V gives, and then prepares O', () => {
    const primary = new Replica(1);
    primary.receive(2, viewChange(1, [certificate(0, 1, put(5, 1))]));
    const [nv] = only(primary.receive(3, viewChange(1)), 'NEW-VIEW');
    const backup = new Replica(3);
    const tampered = { ...nv!, prePrepares: [prePrepare(1, 1, put(9, 9))] };
    expect(backup.receive(1, tampered)).toEqual([]);
    expect(backup.state.view).toBe(0);
    expect(backup.receive(2, nv!)).toEqual([]);
    const sent = backup.receive(1, nv!);
    expect(only(sent, 'PREPARE')[0]).toEqual(prepare(1, 1, put(5, 1)));
    expect(backup.state).toMatchObject({ view: 1, status: 'normal' });
  });

  it('a VIEW-CHANGE whose prepared certificate lacks 2f prepares is ignored', () => {
    const backup = new Replica(3);
    const weak = { ...certificate(0, 1, put(5, 1)) };
    const forged = { ...weak, prepares: weak.prepares.slice(0, 1) };
    backup.receive(1, viewChange(2, [forged]));
    backup.receive(2, viewChange(2));
    expect(backup.state.view).toBe(0);
    expect(backup.state.viewChanges.has(1)).toBe(false);
  });

  it('BUG ignore-prepared: the new primary leaves the prepared requests out of O', () => {
    const next = new Replica(1, { variant: 'ignore-prepared' });
    next.receive(2, viewChange(1, [certificate(0, 1, put(5, 1))]));
    const [nv] = only(next.receive(3, viewChange(1, [certificate(0, 1, put(5, 1))])), 'NEW-VIEW');
    expect(nv!.prePrepares).toEqual([]);
    expect(next.state.seqAssigned).toBe(0);
  });

  it('a view change that fails doubles the next timeout', () => {
    const backup = new Replica(3);
    backup.receive(1, viewChange(1));
    backup.receive(2, viewChange(1));
    const first = backup.ctx.timers.get(VIEW_CHANGE_TIMER);
    backup.timer(VIEW_CHANGE_TIMER);
    expect(backup.state).toMatchObject({ view: 2, backoff: 1 });
    backup.receive(1, viewChange(2));
    backup.receive(2, viewChange(2));
    expect(backup.ctx.timers.get(VIEW_CHANGE_TIMER)).toBe(2 * (first as number));
  });
});

describe('recovery from disk', () => {
  it('after a crash a replica gets back its view, its log and its stable checkpoint, and executes committed requests again', () => {
    const replica = afterTwo(1);
    replica.receive(2, checkpointFrom(replica, 2));
    replica.receive(3, checkpointFrom(replica, 2));
    certify(replica, 0, 3, put(7, 1, 'y', 'three'), [2], [2, 3]);
    certify(replica, 0, 4, put(8, 1), [2], []);
    replica.restart();
    const s = replica.state;
    expect(s).toMatchObject({ view: 0, status: 'normal', lastExecuted: 3 });
    expect(s.stable.n).toBe(2);
    expect(s.store.kv.get('y')).toBe('three');
    expect(s.slots.get(4)!.prepared).not.toBeNull();
    // Its own COMMIT for 4 is back in the log: two more make it committed-local.
    replica.receive(2, { type: 'COMMIT', view: 0, n: 4, digest: requestDigest(put(8, 1)) });
    replica.receive(3, { type: 'COMMIT', view: 0, n: 4, digest: requestDigest(put(8, 1)) });
    expect(replica.state.lastExecuted).toBe(4);
  });

  it('a new primary that crashed after NEW-VIEW still sends it to a replica that missed it', () => {
    const primary = new Replica(1);
    primary.receive(2, viewChange(1));
    primary.receive(3, viewChange(1));
    expect(primary.state).toMatchObject({ view: 1, status: 'normal' });
    primary.restart();
    const sent = primary.receive(0, status(1, true));
    expect(only(sent, 'NEW-VIEW').map((nv) => nv.view)).toEqual([1]);
  });

  it('a replica that moved on keeps its earlier VIEW-CHANGE messages on disk, to resend them after a crash', () => {
    const ahead = movedOn();
    ahead.restart();
    expect(ahead.state).toMatchObject({ view: 2, status: 'view-change' });
    const sent = ahead.receive(3, status(1, true));
    expect(only(sent, 'VIEW-CHANGE').map((vc) => vc.view)).toEqual([1]);
  });

  it('a replica that sent VIEW-CHANGE comes back changing views: it never returns to the old view', () => {
    const backup = new Replica(2);
    backup.client({ client: 6, seq: 1, f: 'put', key: 'y', value: 'v' });
    backup.timer(VIEW_CHANGE_TIMER);
    backup.restart();
    expect(backup.state).toMatchObject({ view: 1, status: 'view-change' });
    expect(backup.receive(0, prePrepare(0, 1, put(5, 1)) as PbftMsg)).toEqual([]);
  });
});
