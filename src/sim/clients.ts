import { assert } from './assert';
import type { Stream } from './rng';
import type { ClientOp, ClientReply, HistoryEvent, Micros, NodeId, WorkloadConfig } from './types';

/** One simulated client process. Plain data: it is saved in checkpoints. */
export interface ClientProcess {
  readonly id: number;
  /** Jepsen process number: a client whose op timed out carries on as a new process. */
  process: number;
  /** Sequence number of the current (or last) op. */
  seq: number;
  op: ClientOp | null;
  target: NodeId;
  leaderHint: NodeId;
  /** Increases with every attempt; a timeout for an older attempt is ignored. */
  attempt: number;
  /** With a reply quorum above 1: each node's latest answer to the current op, as JSON text. */
  answers: [NodeId, string][];
  /** Redirects followed in a row for the current op (stale hints can send a client in circles). */
  redirects: number;
}

export interface ClientsState {
  procs: ClientProcess[];
  nextProcess: number;
  /** Open-loop arrivals that found every client busy. */
  shed: number;
}

export function initialClients(workload: WorkloadConfig | null, nodes: number): ClientsState {
  const count = workload?.clients ?? 0;
  const procs: ClientProcess[] = [];
  for (let id = 0; id < count; id++) {
    procs.push({
      id,
      process: id,
      seq: 0,
      op: null,
      target: id % nodes,
      leaderHint: -1,
      redirects: 0,
      attempt: 0,
      answers: [],
    });
  }
  return { procs, nextProcess: count, shed: 0 };
}

/** The history event that opens an op. */
export function invocation(proc: ClientProcess, op: ClientOp, at: Micros): HistoryEvent {
  return historyEvent(proc.process, 'invoke', op.f, at, op.key, op.value);
}

/** The history event that closes an op after a reply; null when the reply is a redirect. */
export function completion(
  proc: ClientProcess,
  reply: ClientReply,
  at: Micros,
): HistoryEvent | null {
  const op = proc.op;
  assert(op !== null, 'completion without an open op');
  if (reply.kind === 'redirect') return null;
  if (reply.kind === 'fail') return historyEvent(proc.process, 'fail', op.f, at, op.key, op.value);
  const value = reply.value === undefined ? op.value : reply.value;
  return historyEvent(proc.process, 'ok', op.f, at, op.key, value);
}

/** The history event of an op whose outcome is unknown (it timed out). */
export function indeterminate(proc: ClientProcess, at: Micros): HistoryEvent {
  const op = proc.op;
  assert(op !== null, 'timeout without an open op');
  return historyEvent(proc.process, 'info', op.f, at, op.key, op.value);
}

/** A history event; key and value are left out, not undefined, when the op has none. */
function historyEvent(
  process: number,
  type: HistoryEvent['type'],
  f: string,
  at: Micros,
  key: string | undefined,
  value: unknown,
): HistoryEvent {
  if (key !== undefined && value !== undefined) return { process, type, f, key, value, at };
  if (key !== undefined) return { process, type, f, key, at };
  if (value !== undefined) return { process, type, f, value, at };
  return { process, type, f, at };
}

/** The node a retry goes to: the hinted leader if any, else the next node round the ring. */
export function retryTarget(proc: ClientProcess, nodes: number): NodeId {
  // After as many hints in a row as there are nodes, the hints are going in circles: try in turn.
  const trustHint = proc.redirects <= nodes;
  if (trustHint && proc.leaderHint >= 0 && proc.leaderHint !== proc.target) return proc.leaderHint;
  return (proc.target + 1) % nodes;
}

/**
 * Op names and cumulative weights to draw from: the scenario's mix if it names any op, else the
 * protocol's default mix; null when the protocol has none (it then picks ops itself). Names are
 * sorted, so the draw does not depend on how the mix object was written.
 */
export interface OpTable {
  readonly names: readonly string[];
  readonly cumulative: readonly number[];
}

export function opTable(
  mix: Readonly<Record<string, number>>,
  defaults: Readonly<Record<string, number>> | undefined,
): OpTable | null {
  const weights = Object.keys(mix).length > 0 ? mix : defaults;
  if (weights === undefined) return null;
  const names = Object.keys(weights).sort();
  const cumulative: number[] = [];
  let total = 0;
  for (const name of names) cumulative.push((total += weights[name]!));
  assert(total > 0, 'an op mix needs a weight above 0');
  return { names, cumulative };
}

/** Draw an op name by weight from the table. */
export function drawOpName(rng: Stream, table: OpTable): string {
  const draw = rng.int(table.cumulative[table.cumulative.length - 1]!);
  let i = 0;
  while (table.cumulative[i]! <= draw) i++;
  return table.names[i]!;
}
