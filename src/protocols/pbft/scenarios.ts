import type { Preset } from '../../sim/types';

const MS = 1_000;

/** Classroom presets: each names the traitors in the `byzantine` parameter. */
export const pbftPresets: readonly Preset[] = [
  {
    id: 'normal',
    title: 'Normal case',
    description:
      'Four replicas (f = 1), all honest, on a healthy network. The primary n0 assigns each client request a sequence number (PRE-PREPARE); the backups agree on it (PREPARE, then COMMIT from 2f + 1 = 3 replicas), execute it in order, and every replica replies: a client accepts a result once f + 1 = 2 replies match. Every 16 requests a checkpoint becomes stable and the log below it is discarded.',
    scenario: {},
  },
  {
    id: 'equivocating-primary',
    title: 'An equivocating primary',
    description:
      'The primary n0 is Byzantine: for each sequence number it sends one request to half of the backups and a conflicting null request to the others, and votes against whichever story each backup heard. No request gathers 2f + 1 commits, so the backups’ timers expire: they move to view 1 with VIEW-CHANGE, n1 collects 2f + 1 of them, computes the new view’s pre-prepares from the prepared certificates and sends NEW-VIEW; the clients’ requests commit under n1. n0 also answers clients with forged results, which never gather f + 1 matching replies.',
    scenario: { params: { byzantine: '0:equivocate' } },
  },
  {
    id: 'silent-primary',
    title: 'A silent primary',
    description:
      'The primary n0 receives everything and sends nothing. Clients time out and send their requests to every replica; the backups relay them to n0, wait, time out and replace n0 by n1 through a view change.',
    scenario: { params: { byzantine: '0:silent' } },
  },
  {
    id: 'wrong-digest-primary',
    title: 'A primary with wrong digests',
    description:
      'The primary n0 sends pre-prepares whose digest is not the digest of the request they carry. The backups reject them, time out and change views.',
    scenario: { params: { byzantine: '0:wrong-digest' } },
  },
  {
    id: 'delaying-primary',
    title: 'A primary that delays some backups',
    description:
      'The primary n0 holds back its messages to some backups for a while. With one backup delayed, the other two and the primary still make a quorum; with two, requests crawl until a backup’s timer expires and the view changes.',
    scenario: { params: { byzantine: '0:delay' } },
  },
  {
    id: 'yes-man-backup',
    title: 'A backup that votes for everything',
    description:
      'n3 sends a PREPARE and a COMMIT for every pre-prepare and prepare it sees, whatever they say. One such vote never makes a certificate: the others still need 2f honest matching votes.',
    scenario: { params: { byzantine: '3:yes-man' } },
  },
  {
    id: 'replaying-backup',
    title: 'A backup that replays old messages',
    description:
      'n2 behaves, and besides keeps sending old messages it received (pre-prepares and votes of earlier sequence numbers and views, old checkpoints) in its own name. Watermarks, view numbers and the primary check make them harmless.',
    scenario: { params: { byzantine: '2:replay' } },
  },
  {
    id: 'seven-replicas',
    title: 'Seven replicas, two traitors',
    description:
      'n = 7 tolerates f = 2: the primary n0 equivocates and n4 stays silent. Quorums are 2f + 1 = 5; the view changes to n1 and the five honest replicas carry on.',
    scenario: { nodes: 7, params: { byzantine: '0:equivocate,4:silent' } },
  },
  {
    id: 'lagging-replica',
    title: 'A replica catches up by state transfer',
    description:
      'n3 is cut off for three seconds. The others go on (three of four are a quorum), take checkpoints and discard their logs. When n3 returns, what it missed is gone from their logs: it learns the stable checkpoint from their STATUS answers, fetches the state (DATA), checks it against the digest 2f + 1 replicas signed, and executes on from there.',
    scenario: {
      faults: [
        { at: 1_000 * MS, action: { kind: 'partition', groups: [[3], [0, 1, 2]] } },
        { at: 4_000 * MS, action: { kind: 'heal' } },
      ],
    },
  },
  {
    id: 'beyond-f',
    title: 'Beyond the fault assumption: f + 1 traitors',
    description:
      'Two Byzantine replicas among four (f = 1): the primary n0 equivocates and n1 votes for everything. Together they get both of n0’s stories certified: honest replicas commit different requests at the same sequence number, and their states part ways. PBFT promises nothing here (nothing is claimed for the history); the agreement-beyond-f checker marks the moment. The clients do not notice yet: the f + 1 matching replies they wait for still come from replicas that agree.',
    scenario: { params: { byzantine: '0:equivocate,1:yes-man' } },
  },
  {
    id: 'beyond-f-liars',
    title: 'Beyond the fault assumption: f + 1 liars',
    description:
      'Two equivocating replicas among four (f = 1), and both answer clients with the same forged result. f + 1 = 2 matching replies is exactly what a client waits for, so it believes them: the history is not linearizable (an anomaly, since nothing is claimed with more than f traitors), and honest replicas also commit different requests (agreement-beyond-f).',
    scenario: { params: { byzantine: '0:equivocate,1:equivocate' } },
  },
];
