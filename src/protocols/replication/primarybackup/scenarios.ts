import type { Preset } from '../../../sim/types';
import { at, crash, heal, partition, restart, slowLinks } from '../common/faults';

/**
 * The backups sit behind slow links (200 ms from n0), so an asynchronous primary runs ahead of
 * them; n0 crashes at 3 s with the last 200 ms of acknowledged writes on no backup.
 */
const slowBackupsThenCrash = {
  network: slowLinks(0, [
    [1, 200],
    [2, 200],
  ]),
  faults: [at(3_000, crash(0)), at(5_000, restart(0))],
};

/** The successor n1 sits behind a slower link (400 ms) than n2 (50 ms). */
const slowSuccessorThenCrash = {
  network: slowLinks(0, [
    [1, 400],
    [2, 50],
  ]),
  faults: [at(3_000, crash(0)), at(5_000, restart(0))],
};

export const pbPresets: readonly Preset[] = [
  {
    id: 'normal',
    title: 'Synchronous replication',
    description:
      'Three nodes; n0 is the primary of view 0. Each write goes to both backups and is acknowledged once both applied it; reads are served by the primary. Linearizable.',
    scenario: { params: { mode: 'sync' } },
  },
  {
    id: 'async-failover-loses-writes',
    title: 'Asynchronous failover loses acknowledged writes',
    description:
      'The links from n0 to its backups are slow (200 ms), so with asynchronous replication the backups lag behind the primary, which acknowledges writes at once. n0 crashes at 3 s; the backups time out, n1 takes view 1 with its own log, and the writes n0 acknowledged in its last 200 ms are gone: the history is not linearizable and clients that read their own keys miss their writes. Switch the mode to sync: writes are slower (every one waits for the slow links) but none is lost.',
    scenario: { params: { mode: 'async' }, ...slowBackupsThenCrash },
  },
  {
    id: 'semisync-failover',
    title: 'Semi-synchronous failover',
    description:
      'A write is acknowledged once one backup has it. n2 is close to n0 (50 ms) and acknowledges first; n1, the successor, is far (400 ms). n0 crashes at 3 s: n1 takes view 1 with its own log, which lacks the writes only n2 had. The successor is the next node in order, not the most up-to-date one, so acknowledged writes are lost. In sync mode every write waits for n1 too, and none is lost.',
    scenario: { params: { mode: 'semisync' }, ...slowSuccessorThenCrash },
  },
  {
    id: 'split-brain',
    title: 'A deposed asynchronous primary keeps acknowledging',
    description:
      'n0 is cut off from its backups (not from clients) from 2 s to 4 s. The backups time out and n1 leads view 1, while n0, still in view 0 and asynchronous, goes on acknowledging its clients’ writes. When the partition heals n0 learns of view 1 and takes n1’s log: everything it acknowledged alone is lost.',
    scenario: {
      params: { mode: 'async' },
      faults: [at(2_000, partition([0], [1, 2])), at(4_000, heal)],
    },
  },
  {
    id: 'sync-backup-down',
    title: 'Synchronous replication blocks while a backup is down',
    description:
      'n2 crashes at 2 s and restarts at 4 s. A synchronous primary needs every backup, so writes wait (and time out) while n2 is down; nothing is lost, and n2 catches up from the primary when it returns. Safety bought with availability.',
    scenario: { params: { mode: 'sync' }, faults: [at(2_000, crash(2)), at(4_000, restart(2))] },
  },
];
