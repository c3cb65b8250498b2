import { describe, expect, it } from 'vitest';
import { pbft } from '../../../src/protocols/pbft';
import { FORGED, drawByzantine, parseByzantine } from '../../../src/protocols/pbft/byzantine';
import { requestDigest } from '../../../src/protocols/pbft/digest';
import { BYZANTINE_TIMER, NULL_DIGEST } from '../../../src/protocols/pbft/types';
import { Stream } from '../../../src/sim/rng';
import { defaultScenario, validateForProtocol } from '../../../src/sim/scenario';
import { Replica, only, opOf, prePrepare, prepare, put } from './fake-ctx';

/** The Byzantine behaviours, the `byzantine` parameter, the nemesis draw and the claims. */

function validate(byzantine: string, nodes = 4) {
  return validateForProtocol({ ...defaultScenario(pbft), nodes, params: { byzantine } }, pbft);
}

describe('the byzantine parameter', () => {
  it('takes id:behaviour pairs for replicas of the cluster, each named at most once', () => {
    expect(validate('').ok).toBe(true);
    expect(validate('0:equivocate,3:silent').ok).toBe(true);
    expect(validate('0:equivocate,1:yes-man,2:replay,3:delay').ok).toBe(true);
    const unknown = validate('0:sneaky');
    expect(unknown.ok).toBe(false);
    expect(!unknown.ok && unknown.error).toMatch(/id:behaviour pairs/);
    const outside = validate('4:silent');
    expect(!outside.ok && outside.error).toMatch(/replica 4 is not in the cluster/);
    const twice = validate('1:silent,1:crash');
    expect(!twice.ok && twice.error).toMatch(/replica 1 is named twice/);
    expect(validate('4:silent', 7).ok).toBe(true);
  });

  it('parses into one behaviour per replica', () => {
    expect([...parseByzantine('3:silent,0:equivocate')]).toEqual([
      [3, 'silent'],
      [0, 'equivocate'],
    ]);
  });
});

describe('the nemesis draw and the claims', () => {
  it('the nemesis makes 1 to f replicas Byzantine, distinct ones, and nothing when the scenario names its own', () => {
    const counts = new Set<number>();
    for (let seed = 1; seed <= 40; seed++) {
      const drawn = drawByzantine(new Stream(String(seed), 'nemesis-params'), { byzantine: '' }, 7);
      const byzantine = parseByzantine(drawn.byzantine as string);
      counts.add(byzantine.size);
      expect(validate(drawn.byzantine as string, 7).ok).toBe(true);
    }
    expect([...counts].sort()).toEqual([1, 2]);
    expect(drawByzantine(new Stream('1', 'x'), { byzantine: '2:silent' }, 7)).toEqual({});
    expect(drawByzantine(new Stream('1', 'x'), { byzantine: '' }, 3)).toEqual({});
  });

  it('linearizability is claimed only while at most f replicas are Byzantine', () => {
    expect(pbft.claims!({ byzantine: '0:silent' }, null, 4)).toEqual(['linearizable']);
    expect(pbft.claims!({ byzantine: '0:silent,1:yes-man' }, null, 4)).toEqual([]);
    expect(pbft.claims!({ byzantine: '0:silent,1:yes-man' }, null, 7)).toEqual(['linearizable']);
  });

  it('a client needs f + 1 matching replies', () => {
    expect(pbft.clientReplyQuorum!({}, 4)).toBe(2);
    expect(pbft.clientReplyQuorum!({}, 7)).toBe(3);
  });
});

const r = put(5, 1);

describe('Byzantine behaviours', () => {
  it('an equivocating primary sends one backup per sequence number a conflicting pre-prepare, and forges client answers', () => {
    const primary = new Replica(0, { params: { byzantine: '0:equivocate' } });
    const sent = primary.client(opOf(r));
    const byPeer = new Map(sent.map((s) => [s.to, s.msg]));
    // n = 1: the misled backup is peers[1 % 3] = n2.
    expect(byPeer.get(1)).toEqual(prePrepare(0, 1, r));
    expect(byPeer.get(2)).toEqual(prePrepare(0, 1, null));
    expect(byPeer.get(3)).toEqual(prePrepare(0, 1, r));
    expect(primary.ctx.replies[0]!.result).toEqual(FORGED);
    // Its log of sends shows it.
    expect(primary.state.byzantine!.sent.map((e) => e.what).join('\n')).toMatch(/tampered/);
  });

  it('an equivocating primary tells each backup the other story on its status tick', () => {
    const primary = new Replica(0, { params: { byzantine: '0:equivocate' } });
    primary.client(opOf(r));
    const second = only(primary.timer('status'), 'PRE-PREPARE');
    expect(second.map((pp) => pp.digest)).toEqual([NULL_DIGEST, requestDigest(r), NULL_DIGEST]);
  });

  it('a silent replica sends nothing and answers no client', () => {
    const primary = new Replica(0, { params: { byzantine: '0:silent' } });
    expect(primary.client(opOf(r))).toEqual([]);
    expect(primary.state.seqAssigned).toBe(1);
    expect(primary.ctx.replies).toEqual([]);
    expect(primary.state.byzantine!.sent[0]!.what).toMatch(/^withheld PRE-PREPARE/);
  });

  it('a wrong-digest replica sends digests that match no request; backups reject its pre-prepares', () => {
    const primary = new Replica(0, { params: { byzantine: '0:wrong-digest' } });
    const [pp] = only(primary.client(opOf(r)), 'PRE-PREPARE');
    expect(pp!.digest).not.toBe(requestDigest(r));
    expect(new Replica(1).receive(0, pp!)).toEqual([]);
  });

  it('a delaying replica holds its messages to its victims and releases them later', () => {
    // The fake stream answers 0: every peer is a victim, held for the shortest delay (50 ms).
    const primary = new Replica(0, { params: { byzantine: '0:delay' } });
    expect(primary.client(opOf(r))).toEqual([]);
    primary.ctx.now = 49_000;
    expect(primary.timer(BYZANTINE_TIMER)).toEqual([]);
    primary.ctx.now = 50_000;
    expect(only(primary.timer(BYZANTINE_TIMER), 'PRE-PREPARE')).toHaveLength(3);
  });

  it('a yes-man votes PREPARE and COMMIT for any pre-prepare or prepare it sees', () => {
    const yesMan = new Replica(3, { params: { byzantine: '3:yes-man' } });
    // From a replica that is not the primary, in a later view: it votes anyway.
    const sent = yesMan.receive(2, prePrepare(5, 9, put(6, 6)));
    expect(only(sent, 'PREPARE')).toHaveLength(3);
    expect(only(sent, 'COMMIT')).toHaveLength(3);
    expect(only(yesMan.receive(1, prepare(0, 1, null)), 'COMMIT')[0]!.digest).toBe(NULL_DIGEST);
    expect(yesMan.receive(2, prePrepare(5, 9, put(6, 6)))).toEqual([]);
  });

  it('a replayer sends old messages it received again, in its own name', () => {
    const replayer = new Replica(2, { params: { byzantine: '2:replay' } });
    replayer.receive(0, prePrepare(0, 1, r));
    const sent = replayer.timer(BYZANTINE_TIMER);
    expect(sent).toContainEqual({ to: 0, msg: prePrepare(0, 1, r) });
    expect(replayer.state.byzantine!.sent.at(-1)!.what).toMatch(/replayed/);
  });

  it('a crashing replica behaves until its moment, then does nothing ever again', () => {
    // The fake stream gives the earliest moment: 0.3 s.
    const crasher = new Replica(1, { params: { byzantine: '1:crash' } });
    expect(only(crasher.receive(0, prePrepare(0, 1, r)), 'PREPARE')).toHaveLength(3);
    crasher.ctx.now = 300_000;
    expect(crasher.receive(0, prePrepare(0, 2, put(6, 1)))).toEqual([]);
    expect(crasher.state.byzantine!.stopped).toBe(true);
    expect(crasher.timer('status')).toEqual([]);
  });
});
