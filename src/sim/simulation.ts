import { AssertionError, assert } from './assert';
import {
  completion,
  drawOpName,
  opTable,
  type OpTable,
  indeterminate,
  initialClients,
  invocation,
  retryTarget,
  type ClientProcess,
  type ClientsState,
} from './clients';
import { LIMITS } from './limits';
import { drawNemesis } from './nemesis';
import { Timeline } from './timeline';
import { DROP_REASON, Network, type NetworkSnapshot } from './network';
import { QueueBoundError, EventQueue, type QueueSnapshot } from './queue';
import { Stream, Streams, type RngState } from './rng';
import { REC, Trace, TraceBoundError, type RecordKind, type TraceMode } from './trace';
import type {
  ClientOp,
  ClientReply,
  ClusterView,
  FaultAction,
  HistoryEvent,
  Message,
  Micros,
  NodeCtx,
  NodeId,
  ParamValues,
  ProtocolModule,
  RecordedInput,
  Scenario,
  Violation,
} from './types';

const DEFAULT_LEADER_ROLES: readonly string[] = ['leader'];
/** Kinds of queued events. */
const EV = {
  deliver: 1,
  timer: 2,
  fault: 3,
  quiet: 4,
  clientStart: 5,
  arrival: 6,
  clientRequest: 7,
  clientResponse: 8,
  attemptTimeout: 9,
  opTimeout: 10,
} as const;

const PPM = 1_000_000;
/** Invariant id under which an exception thrown by a protocol handler is reported. */
export const HANDLER_ERROR = 'handler-error';
export const LIVENESS = 'liveness';

export interface SimOptions {
  /** "full" keeps every record, "hash" only the hash, "off" neither (benchmarks). */
  readonly trace?: TraceMode;
  /** A checkpoint is taken every this many events (0: never, beyond the initial one). */
  readonly checkpointEvery?: number;
  readonly checkInvariants?: boolean;
  /** Stop at the first violation (fuzzing). */
  readonly stopOnViolation?: boolean;
  readonly maxEvents?: number;
  /**
   * Freeze every message, deeply, as it is sent (tests): a protocol that sends a piece of its
   * own state and changes it afterwards then fails at once with a handler error, instead of
   * changing a message in flight (and the checkpoints that hold it).
   */
  readonly freezeMessages?: boolean;
}

export type NodeStatus = 'up' | 'down' | 'paused';

/** An event held back while its node is paused. */
interface Stalled {
  readonly kind: number;
  readonly a: number;
  readonly b: number;
  readonly payload: unknown;
}

interface Clock {
  baseGlobal: Micros;
  baseLocal: Micros;
  ppm: number;
}

interface Checkpoint {
  readonly now: Micros;
  readonly eventCount: number;
  readonly inputIndex: number;
  readonly queue: QueueSnapshot;
  readonly network: NetworkSnapshot;
  readonly rng: Map<string, RngState>;
  readonly trace: { length: number; hash: [number, number] };
  readonly volatile: unknown;
  readonly disks: Map<string, unknown>[];
  readonly historyLength: number;
  readonly violationsLength: number;
  readonly counters: Counters;
}

interface Counters {
  messagesSent: number;
  messagesDelivered: number;
  messagesDropped: number;
  nextMessageId: number;
  nextTimerGeneration: number;
}

/** Everything cloned wholesale into a checkpoint. */
interface VolatileWorld {
  up: boolean[];
  paused: boolean[];
  states: unknown[];
  stalled: Stalled[][];
  timerGen: number[][];
  timerStart: number[][];
  timerDeadline: number[][];
  clocks: Clock[];
  clients: ClientsState;
  invariantMemory: unknown[];
  invariantFailed: boolean[];
}

export interface RunSummary {
  readonly protocol: string;
  readonly variant: string | null;
  readonly seed: string;
  readonly nodes: number;
  readonly simMicros: Micros;
  readonly events: number;
  readonly messagesSent: number;
  readonly messagesDelivered: number;
  readonly messagesDropped: number;
  readonly traceHash: string;
  readonly violations: readonly Violation[];
  readonly stopped: string | null;
}

/**
 * One deterministic run of a protocol under a scenario: nodes, network, faults, clients, trace,
 * invariants and checkpoints. Time only moves through `runUntil`, `step` and `seek`.
 */
export class Simulation {
  readonly scenario: Scenario;
  readonly module: ProtocolModule;
  readonly trace: Trace;
  readonly network: Network;
  private readonly historyLog = new Timeline<HistoryEvent>();
  private readonly violationLog = new Timeline<Violation>();
  /** The client history up to the cursor. */
  readonly history: readonly HistoryEvent[] = this.historyLog.items;
  /** Violations found up to the cursor. */
  readonly violations: readonly Violation[] = this.violationLog.items;
  /** Simulated time of the cursor. */
  now: Micros = 0;
  /** Events processed so far. */
  eventCount = 0;
  /** Why the run cannot go on (a bound, a handler error), or null. */
  stopped: string | null = null;

  private readonly queue: EventQueue;
  private readonly streams: Streams;
  private readonly options: Required<SimOptions>;
  private inputs: RecordedInput[];
  private inputIndex = 0;
  private world: VolatileWorld;
  private disks: Map<string, unknown>[];
  private counters: Counters = {
    messagesSent: 0,
    messagesDelivered: 0,
    messagesDropped: 0,
    nextMessageId: 0,
    nextTimerGeneration: 1,
  };
  private readonly contexts: NodeContext[];
  private readonly view: MutableClusterView;
  private checkpoints: Checkpoint[] = [];
  private inHandler = false;
  private readonly baseLossPpm: number;
  private readonly networkRng: Stream;
  private readonly opTable: OpTable | null;
  /** Matching answers from distinct nodes a client needs (module.clientReplyQuorum). */
  private readonly replyQuorum: number;
  private lastType = '';
  private lastTypeId = -1;

  constructor(given: Scenario, module: ProtocolModule, options: SimOptions = {}) {
    const scenario = withNemesisParams(given, module);
    assert(
      scenario.protocol === module.id,
      'scenario is for another protocol',
      scenario.protocol,
      module.id,
    );
    assert(scenario.nodes >= 1 && scenario.nodes <= LIMITS.maxNodes, 'node count out of bounds');
    this.scenario = scenario;
    this.module = module;
    this.options = {
      trace: options.trace ?? 'full',
      checkpointEvery: options.checkpointEvery ?? 10_000,
      checkInvariants: options.checkInvariants ?? true,
      stopOnViolation: options.stopOnViolation ?? false,
      maxEvents: options.maxEvents ?? LIMITS.maxEvents,
      freezeMessages: options.freezeMessages ?? false,
    };
    this.inputs = [...scenario.inputs];
    this.trace = new Trace(this.options.trace, LIMITS.maxTraceRecords);
    this.queue = new EventQueue(LIMITS.maxQueue);
    this.streams = new Streams(scenario.seed);
    // Created before the first checkpoint, so a restore never drops it.
    this.networkRng = this.streams.get('network');
    this.network = new Network(scenario.nodes, scenario.network);
    this.baseLossPpm = scenario.network.default.lossPpm;
    this.opTable = opTable(scenario.workload?.mix ?? {}, module.workload?.defaultMix);
    this.replyQuorum = module.clientReplyQuorum?.(scenario.params, scenario.nodes) ?? 1;
    assert(
      this.replyQuorum >= 1 && this.replyQuorum <= scenario.nodes,
      'reply quorum out of range',
    );
    this.world = this.initialWorld();
    this.disks = Array.from({ length: scenario.nodes }, () => new Map<string, unknown>());
    this.contexts = Array.from(
      { length: scenario.nodes },
      (_, node) => new NodeContext(this, node),
    );
    this.view = {
      now: 0,
      states: this.world.states,
      lastNode: -1,
      params: scenario.params,
      variant: scenario.variant,
      history: this.history,
    };
    this.start();
  }

  // ---- Public API -----------------------------------------------------------------------------

  /** Process every event due at or before `target`, then put the cursor at `target`. */
  runUntil(target: Micros): void {
    if (target < this.now) {
      this.seek(target);
      return;
    }
    this.advance(target, Infinity);
    if (this.stopped === null && Number.isFinite(target)) this.now = target;
  }

  /** Process exactly one event (and any input due before it). False when nothing is left. */
  step(): boolean {
    if (this.stopped !== null || this.queue.size === 0) return false;
    const before = this.eventCount;
    this.advance(Infinity, before + 1);
    return this.eventCount > before;
  }

  /** The state after every event due at or before `target`: restore a checkpoint and replay. */
  seek(target: Micros): void {
    const base = this.lastCheckpoint((c) => c.now <= target && this.canRestore(c));
    if (!(this.now <= target && this.eventCount >= base.eventCount && this.stopped === null))
      this.restore(base);
    this.runUntil(target);
  }

  /** The state after exactly `count` events. */
  seekEvent(count: number): void {
    assert(Number.isInteger(count) && count >= 0, 'seekEvent needs a whole number', count);
    const base = this.lastCheckpoint((c) => c.eventCount <= count && this.canRestore(c));
    if (!(
      this.eventCount <= count &&
      this.eventCount >= base.eventCount &&
      this.stopped === null
    )) {
      this.restore(base);
    }
    this.advance(Infinity, count);
  }

  /** Apply a user's action at the cursor; the future after the cursor is forgotten. */
  applyInput(action: FaultAction): void {
    this.inputs = this.inputs.slice(0, this.inputIndex);
    this.checkpoints = this.checkpoints.filter((c) => c.eventCount <= this.eventCount);
    this.trace.fork();
    this.historyLog.fork();
    this.violationLog.fork();
    const input: RecordedInput = { event: this.eventCount, at: this.now, action };
    this.inputs.push(input);
    this.inputIndex++;
    this.guarded(() => this.applyFault(action));
  }

  /** The scenario as it now stands, with every recorded input: it reproduces this run. */
  currentScenario(): Scenario {
    return { ...this.scenario, inputs: [...this.inputs] };
  }

  traceHash(): string {
    return this.trace.digest();
  }

  /** Time of the next queued event, or Infinity. */
  nextEventAt(): Micros {
    return this.queue.peekAt();
  }

  nodeState(node: NodeId): unknown {
    return this.world.states[node] ?? null;
  }

  nodeStates(): readonly unknown[] {
    return this.world.states;
  }

  nodeStatus(node: NodeId): NodeStatus {
    if (!this.world.up[node]) return 'down';
    return this.world.paused[node] ? 'paused' : 'up';
  }

  /** The disk of a node (read-only view). */
  nodeDisk(node: NodeId): ReadonlyMap<string, unknown> {
    return this.disks[node]!;
  }

  /** The node's local clock at the cursor. */
  localTime(node: NodeId): Micros {
    return this.localClock(node, this.now);
  }

  /** Start and deadline (global micros) of a node's armed timer, or null. */
  timer(node: NodeId, name: string): { start: Micros; deadline: Micros } | null {
    const id = this.trace.intern(name);
    if (!this.world.timerGen[node]![id]) return null;
    return {
      start: this.world.timerStart[node]![id]!,
      deadline: this.world.timerDeadline[node]![id]!,
    };
  }

  /** Messages in flight at the cursor, in no particular order. */
  inFlight(): {
    from: NodeId;
    to: NodeId;
    id: number;
    sentAt: Micros;
    deliverAt: Micros;
    msg: Message;
  }[] {
    const q = this.queue;
    const out = [];
    for (const slot of q.slots()) {
      if (q.kind[slot] !== EV.deliver) continue;
      const msg = q.payload[slot] as Message;
      out.push({
        from: q.a[slot]!,
        to: q.node[slot]!,
        id: q.b[slot]!,
        sentAt: q.c[slot]!,
        deliverAt: q.at[slot]!,
        msg,
      });
    }
    return out;
  }

  clientsState(): Readonly<ClientsState> {
    return this.world.clients;
  }

  /** Judge liveness once the run has reached its end (after the quiet phase). */
  checkLiveness(): void {
    const check = this.module.liveness;
    if (check === undefined || this.stopped !== null) return;
    this.view.now = this.now;
    this.view.lastNode = -1;
    const message = check(this.view, this.history);
    if (message !== null) this.addViolation(LIVENESS, message);
  }

  summary(): RunSummary {
    return {
      protocol: this.module.id,
      variant: this.scenario.variant,
      seed: this.scenario.seed,
      nodes: this.scenario.nodes,
      simMicros: this.now,
      events: this.eventCount,
      messagesSent: this.counters.messagesSent,
      messagesDelivered: this.counters.messagesDelivered,
      messagesDropped: this.counters.messagesDropped,
      traceHash: this.traceHash(),
      violations: [...this.violations],
      stopped: this.stopped,
    };
  }

  // ---- The event loop -------------------------------------------------------------------------

  /** Run until the next event is after `target` or `maxCount` events have run. */
  private advance(target: Micros, maxCount: number): void {
    this.guarded(() => {
      const queue = this.queue;
      const every = this.options.checkpointEvery;
      while (this.stopped === null) {
        const nextAt = queue.peekAt();
        if (this.applyDueInput(target, nextAt)) continue;
        if (nextAt > target || this.eventCount >= maxCount) break;
        if (this.eventCount >= this.options.maxEvents) {
          this.stopped = `event bound reached: ${this.options.maxEvents} events`;
          break;
        }
        this.processNext();
        if (every > 0 && this.eventCount % every === 0) this.takeCheckpoint();
      }
    });
  }

  /** Run `body`, turning a protocol's exception or a bound into a stop with a reason. */
  private guarded(body: () => void): void {
    try {
      body();
    } catch (error) {
      if (error instanceof QueueBoundError || error instanceof TraceBoundError) {
        this.stopped = error.message;
      } else if (this.inHandler && error instanceof Error) {
        this.inHandler = false;
        this.stopped = `${this.module.id} handler threw at event ${this.eventCount}: ${error.message}`;
        this.addViolation(HANDLER_ERROR, error.message);
      } else {
        throw error;
      }
    }
  }

  private applyDueInput(target: Micros, nextAt: Micros): boolean {
    const input = this.inputs[this.inputIndex];
    if (
      input === undefined ||
      input.event > this.eventCount ||
      input.at > target ||
      nextAt < input.at
    )
      return false;
    this.now = Math.max(this.now, input.at);
    this.inputIndex++;
    this.applyFault(input.action);
    return true;
  }

  private processNext(): void {
    const q = this.queue;
    const slot = q.pop();
    const kind = q.kind[slot]!;
    const node = q.node[slot]!;
    const a = q.a[slot]!;
    const b = q.b[slot]!;
    const payload = q.payload[slot];
    this.now = q.at[slot]!;
    this.eventCount++;
    if (kind === EV.deliver) {
      const sentAt = q.c[slot]!;
      const typeId = q.d[slot]!;
      q.release(slot);
      return this.deliver(node, a, b, payload as Message, sentAt, typeId);
    }
    q.release(slot);
    this.dispatch(kind, node, a, b, payload);
  }

  private dispatch(kind: number, node: NodeId, a: number, b: number, payload: unknown): void {
    switch (kind) {
      case EV.timer:
        return this.fireTimer(node, a, b);
      case EV.fault:
        return this.applyFault(payload as FaultAction);
      case EV.quiet:
        return this.beginQuietPhase();
      case EV.clientStart:
        return this.startOp(a);
      case EV.arrival:
        return this.openLoopArrival();
      case EV.clientRequest:
        return this.clientRequest(node, payload as ClientOp);
      case EV.clientResponse:
        return this.clientResponse(node, a, b, payload as ClientReply);
      case EV.attemptTimeout:
        return this.attemptTimeout(a, b);
      case EV.opTimeout:
        return this.opTimeout(a, b);
    }
    assert(false, 'unknown event kind', kind);
  }

  // ---- Messages -------------------------------------------------------------------------------

  /** Called by a node's context. The kernel, not the protocol, says who the sender is. */
  sendFrom(from: NodeId, to: NodeId, msg: Message): void {
    assert(
      Number.isInteger(to) && to >= 0 && to < this.scenario.nodes,
      'send to an unknown node',
      from,
      to,
    );
    assert(typeof msg.type === 'string', 'a message without a type from node', from);
    if (this.options.freezeMessages) deepFreeze(msg);
    const typeId = this.internType(msg.type);
    this.transmit(from, to, msg, typeId, false);
    const policy = this.network.policy(from, to);
    if (policy.duplicatePpm > 0 && this.networkRng.chancePpm(policy.duplicatePpm)) {
      this.transmit(from, to, msg, typeId, true);
    }
  }

  private transmit(
    from: NodeId,
    to: NodeId,
    msg: Message,
    typeId: number,
    duplicate: boolean,
  ): void {
    const id = this.counters.nextMessageId++;
    this.counters.messagesSent++;
    const net = this.network;
    const rng = this.networkRng;
    if (net.blocked(from, to))
      return this.dropAtSend(from, to, typeId, id, DROP_REASON.partitioned);
    const policy = net.policy(from, to);
    if (policy.lossPpm > 0 && rng.chancePpm(policy.lossPpm))
      return this.dropAtSend(from, to, typeId, id, DROP_REASON.loss);
    const deliverAt = from === to ? this.now : net.arrival(from, to, this.now, rng);
    this.trace.record(REC.send, this.now, from, to, typeId, id, deliverAt);
    if (duplicate)
      this.trace.record(REC.note, this.now, from, to, this.trace.intern('duplicate'), id, 0);
    const slot = this.queue.push(deliverAt, EV.deliver, to, from, id, msg);
    this.queue.c[slot] = this.now;
    this.queue.d[slot] = typeId;
  }

  /** Intern a message type, remembering the last one (most sends repeat it). */
  private internType(type: string): number {
    if (type !== this.lastType) {
      this.lastType = type;
      this.lastTypeId = this.trace.intern(type);
    }
    return this.lastTypeId;
  }

  private dropAtSend(from: NodeId, to: NodeId, typeId: number, id: number, reason: number): void {
    this.counters.messagesDropped++;
    this.trace.record(REC.drop, this.now, from, to, typeId, id, reason);
  }

  private deliver(
    to: NodeId,
    from: NodeId,
    id: number,
    msg: Message,
    sentAt: Micros,
    typeId: number,
  ): void {
    const w = this.world;
    let reason = 0;
    if (!w.up[to]) reason = DROP_REASON.crashed;
    else if (this.network.blocked(from, to)) reason = DROP_REASON.cutInFlight;
    if (reason !== 0) {
      this.counters.messagesDropped++;
      this.trace.record(REC.drop, this.now, to, from, typeId, id, reason);
      return;
    }
    if (w.paused[to])
      return this.stall(to, EV.deliver, from, id, { msg, sentAt, typeId } satisfies Held);
    this.counters.messagesDelivered++;
    this.trace.record(REC.deliver, this.now, to, from, typeId, id, sentAt);
    const ctx = this.enterHandler(to);
    this.module.onMessage(ctx, w.states[to], from, msg);
    this.leaveHandler(to);
  }

  // ---- Timers ---------------------------------------------------------------------------------

  setTimer(node: NodeId, name: string, localDelay: Micros): void {
    assert(
      Number.isInteger(localDelay) && localDelay >= 0,
      'timer delay must be a whole number of micros',
      name,
      localDelay,
    );
    const w = this.world;
    const id = this.trace.intern(name);
    const ppm = w.clocks[node]!.ppm;
    const globalDelay = ppm === 0 ? localDelay : Math.ceil((localDelay * PPM) / (PPM + ppm));
    const generation = this.counters.nextTimerGeneration++;
    w.timerGen[node]![id] = generation;
    w.timerStart[node]![id] = this.now;
    w.timerDeadline[node]![id] = this.now + globalDelay;
    this.queue.push(this.now + globalDelay, EV.timer, node, id, generation, undefined);
  }

  cancelTimer(node: NodeId, name: string): void {
    this.world.timerGen[node]![this.trace.intern(name)] = 0;
  }

  private fireTimer(node: NodeId, id: number, generation: number): void {
    const w = this.world;
    if (!w.up[node] || w.timerGen[node]![id] !== generation) return;
    if (w.paused[node]) return this.stall(node, EV.timer, id, generation, undefined);
    w.timerGen[node]![id] = 0;
    this.trace.record(REC.timer, this.now, node, -1, id, generation, 0);
    const ctx = this.enterHandler(node);
    this.module.onTimer(ctx, w.states[node], this.trace.names[id]!);
    this.leaveHandler(node);
  }

  // ---- Handlers and invariants ----------------------------------------------------------------

  private enterHandler(node: NodeId): NodeContext {
    const ctx = this.contexts[node]!;
    ctx.now = this.localClock(node, this.now);
    this.inHandler = true;
    return ctx;
  }

  private leaveHandler(node: NodeId): void {
    this.inHandler = false;
    this.checkInvariants(node);
  }

  private checkInvariants(lastNode: NodeId): void {
    const invariants = this.module.invariants;
    if (!this.options.checkInvariants || invariants.length === 0) return;
    const w = this.world;
    this.view.now = this.now;
    this.view.lastNode = lastNode;
    for (let i = 0; i < invariants.length; i++) {
      if (w.invariantFailed[i]) continue;
      const message = invariants[i]!.check(w.invariantMemory[i], this.view);
      if (message === null) continue;
      w.invariantFailed[i] = true;
      this.addViolation(invariants[i]!.id, message);
    }
  }

  private addViolation(invariant: string, message: string): void {
    this.violationLog.push({ invariant, atMicros: this.now, event: this.eventCount, message });
    this.trace.record(
      REC.violation,
      this.now,
      -1,
      -1,
      this.trace.intern(invariant),
      this.eventCount,
      0,
    );
    if (this.options.stopOnViolation) this.stopped = `violation of ${invariant}`;
  }

  persist(node: NodeId, key: string, value: unknown): void {
    const disk = this.disks[node]!;
    if (value === undefined) disk.delete(key);
    else
      disk.set(key, typeof value === 'object' && value !== null ? structuredClone(value) : value);
  }

  // ---- Faults ---------------------------------------------------------------------------------

  private applyFault(action: FaultAction): void {
    this.trace.hashString(JSON.stringify(action));
    const node = 'node' in action ? action.node : -1;
    assert(node < this.scenario.nodes, 'fault names an unknown node', node);
    this.applyFaultAction(action);
    this.checkInvariants(-1);
  }

  private applyFaultAction(action: FaultAction): void {
    switch (action.kind) {
      case 'crash':
        return this.crash(action.node);
      case 'restart':
        return this.restart(action.node, false);
      case 'amnesia':
        return this.restart(action.node, true);
      case 'pause':
        return this.pause(action.node);
      case 'resume':
        return this.resume(action.node);
      case 'partition':
        this.network.partition(action.groups);
        return this.record(REC.partition, -1, action.groups.length);
      case 'heal':
        this.network.heal();
        return this.record(REC.heal, -1, 0);
      case 'cut':
      case 'uncut':
        this.network.setCut(action.from, action.to, action.kind === 'cut');
        return this.trace.record(
          action.kind === 'cut' ? REC.cut : REC.uncut,
          this.now,
          action.from,
          action.to,
          0,
          0,
          0,
        );
      case 'loss':
        this.network.setAllPolicies((policy) => ({ ...policy, lossPpm: action.ppm }));
        return this.record(REC.loss, -1, action.ppm);
      case 'latency':
        this.network.setAllPolicies((policy) => ({ ...policy, latency: action.latency }));
        return this.record(REC.latency, -1, 0);
      case 'clockJump':
        this.rebaseClock(action.node).baseLocal += action.deltaMicros;
        return this.record(REC.clock, action.node, action.deltaMicros);
      case 'reorder':
        this.network.setAllPolicies((policy) => ({ ...policy, reorder: action.on }));
        return this.record(REC.reorder, -1, action.on ? 1 : 0);
      case 'clockDrift':
        this.rebaseClock(action.node).ppm = action.ppm;
        return this.record(REC.clock, action.node, action.ppm);
      case 'isolateLeader':
        return this.isolateLeader();
      case 'command':
        this.trace.record(
          REC.command,
          this.now,
          -1,
          -1,
          this.trace.intern(action.command),
          action.node,
          0,
        );
        return this.deliverCommand(action.command, action.node);
    }
  }

  /** The running node the protocol's view calls a leader, highest term first (then lowest id). */
  private isolateLeader(): void {
    const roles = this.module.view.leaderRoles ?? DEFAULT_LEADER_ROLES;
    const w = this.world;
    let leader = -1;
    let leaderTerm = -1;
    for (let node = 0; node < this.scenario.nodes; node++) {
      if (!w.up[node]) continue;
      const summary = this.module.view.summarize(w.states[node]);
      if (!roles.includes(summary.role) || summary.term <= leaderTerm) continue;
      leader = node;
      leaderTerm = summary.term;
    }
    if (leader < 0) return;
    assert(leader < this.scenario.nodes, 'the leader is a node of the cluster', leader);
    this.network.partition([[leader]]);
    this.record(REC.partition, leader, 2);
  }

  /** An operator command reaches every node that is up and not paused, in id order. */
  private deliverCommand(command: string, arg: NodeId): void {
    const onCommand = this.module.onCommand;
    assert(onCommand !== undefined, 'a command for a protocol without onCommand', command);
    assert(this.module.commands?.[command] !== undefined, 'an unknown command', command);
    const w = this.world;
    for (let node = 0; node < this.scenario.nodes; node++) {
      if (!w.up[node] || w.paused[node]) continue;
      const ctx = this.enterHandler(node);
      onCommand(ctx, w.states[node], command, arg);
      this.leaveHandler(node);
    }
  }

  private record(kind: RecordKind, node: NodeId, value: number): void {
    this.trace.record(kind, this.now, node, -1, 0, value, 0);
  }

  private crash(node: NodeId): void {
    const w = this.world;
    if (!w.up[node]) return;
    w.up[node] = false;
    w.paused[node] = false;
    w.states[node] = null;
    w.stalled[node] = [];
    w.timerGen[node] = [];
    this.record(REC.crash, node, 0);
  }

  private restart(node: NodeId, amnesia: boolean): void {
    const w = this.world;
    if (amnesia) {
      if (w.up[node]) this.crash(node);
      this.disks[node] = new Map();
    }
    if (w.up[node]) return;
    w.up[node] = true;
    this.record(amnesia ? REC.amnesia : REC.restart, node, 0);
    const disk = structuredClone(this.disks[node]!);
    const ctx = this.enterHandler(node);
    w.states[node] = this.module.recover(ctx, disk, this.scenario.params);
    this.leaveHandler(node);
  }

  private pause(node: NodeId): void {
    const w = this.world;
    if (!w.up[node] || w.paused[node]) return;
    w.paused[node] = true;
    this.record(REC.pause, node, 0);
  }

  private resume(node: NodeId): void {
    const w = this.world;
    if (!w.up[node] || !w.paused[node]) return;
    w.paused[node] = false;
    this.record(REC.resume, node, 0);
    // Everything that reached the node while it stood still happens now, in arrival order.
    for (const held of w.stalled[node]!) {
      if (held.kind !== EV.deliver) {
        this.queue.push(this.now, held.kind, node, held.a, held.b, held.payload);
        continue;
      }
      const message = held.payload as Held;
      const slot = this.queue.push(this.now, EV.deliver, node, held.a, held.b, message.msg);
      this.queue.c[slot] = message.sentAt;
      this.queue.d[slot] = message.typeId;
    }
    w.stalled[node] = [];
  }

  private stall(node: NodeId, kind: number, a: number, b: number, payload: unknown): void {
    this.world.stalled[node]!.push({ kind, a, b, payload });
  }

  private beginQuietPhase(): void {
    this.record(REC.quiet, -1, 0);
    this.network.heal();
    this.network.resetPolicies();
    for (let node = 0; node < this.scenario.nodes; node++) {
      this.rebaseClock(node).ppm = 0;
      if (this.world.paused[node]) this.resume(node);
      if (!this.world.up[node]) this.restart(node, false);
    }
  }

  // ---- Clocks ---------------------------------------------------------------------------------

  private localClock(node: NodeId, global: Micros): Micros {
    const clock = this.world.clocks[node]!;
    const elapsed = global - clock.baseGlobal;
    if (clock.ppm === 0) return clock.baseLocal + elapsed;
    return clock.baseLocal + elapsed + Math.floor((elapsed * clock.ppm) / PPM);
  }

  /** Restart the node's clock arithmetic at the current time, so a rate change is not retroactive. */
  private rebaseClock(node: NodeId): Clock {
    const clock = this.world.clocks[node]!;
    clock.baseLocal = this.localClock(node, this.now);
    clock.baseGlobal = this.now;
    return clock;
  }

  // ---- Clients --------------------------------------------------------------------------------

  reply(node: NodeId, op: ClientOp, result: ClientReply): void {
    assert(
      op.client >= 0 && op.client < this.world.clients.procs.length,
      'reply to an unknown client',
      op.client,
    );
    this.trace.record(
      REC.reply,
      this.now,
      node,
      op.client,
      this.trace.intern(result.kind),
      op.seq,
      0,
    );
    const at = this.now + this.scenario.network.clientLatencyMicros;
    this.queue.push(at, EV.clientResponse, node, op.client, op.seq, result);
  }

  private startOp(client: number): void {
    const workload = this.scenario.workload;
    const spec = this.module.workload;
    const proc = this.world.clients.procs[client]!;
    if (workload === null || spec === undefined || proc.op !== null) return;
    if (workload.stopMicros !== null && this.now >= workload.stopMicros) return;
    if (this.history.length >= LIMITS.maxHistory) return;
    proc.seq++;
    const rng = this.streams.get('workload');
    const f = this.opTable === null ? undefined : drawOpName(rng, this.opTable);
    const next = spec.nextOp(rng, client, proc.seq, f);
    const op: ClientOp = { f: next.f, key: next.key, value: next.value, client, seq: proc.seq };
    proc.op = op;
    this.addHistory(invocation(proc, op, this.now), REC.invoke, client);
    this.queue.push(
      this.now + workload.opTimeoutMicros,
      EV.opTimeout,
      -1,
      client,
      proc.seq,
      undefined,
    );
    this.sendAttempt(client, proc.leaderHint >= 0 ? proc.leaderHint : proc.target);
  }

  private sendAttempt(client: number, target: NodeId): void {
    const proc = this.world.clients.procs[client]!;
    const workload = this.scenario.workload!;
    proc.target = target;
    proc.attempt++;
    const arrive = this.now + this.scenario.network.clientLatencyMicros;
    this.queue.push(arrive, EV.clientRequest, target, client, proc.seq, proc.op);
    this.queue.push(
      this.now + workload.attemptTimeoutMicros,
      EV.attemptTimeout,
      -1,
      client,
      proc.attempt,
      undefined,
    );
  }

  private clientRequest(node: NodeId, op: ClientOp): void {
    const w = this.world;
    const proc = w.clients.procs[op.client]!;
    if (proc.op === null || proc.op.seq !== op.seq) return;
    if (!w.up[node] || this.module.onClientOp === undefined) return;
    if (w.paused[node]) return this.stall(node, EV.clientRequest, op.client, op.seq, op);
    this.trace.record(REC.request, this.now, node, op.client, this.trace.intern(op.f), op.seq, 0);
    const ctx = this.enterHandler(node);
    this.module.onClientOp(ctx, w.states[node], op);
    this.leaveHandler(node);
  }

  private clientResponse(node: NodeId, client: number, seq: number, reply: ClientReply): void {
    const proc = this.world.clients.procs[client]!;
    if (proc.op === null || proc.op.seq !== seq) return;
    if (reply.kind === 'redirect') {
      if (node !== proc.target) return;
      proc.leaderHint = reply.leader ?? -1;
      proc.redirects++;
      return this.sendAttempt(client, retryTarget(proc, this.scenario.nodes));
    }
    if (!this.quorumAgrees(proc, node, reply)) return;
    proc.leaderHint = node;
    proc.redirects = 0;
    const kind = reply.kind === 'ok' ? REC.ok : REC.fail;
    this.addHistory(completion(proc, reply, this.now)!, kind, client);
    this.finishOp(client);
  }

  /** Whether `replyQuorum` distinct nodes have now sent this same answer (always, for 1). */
  private quorumAgrees(proc: ClientProcess, node: NodeId, reply: ClientReply): boolean {
    if (this.replyQuorum === 1) return true;
    const answer = JSON.stringify(reply);
    const known = proc.answers.findIndex(([from]) => from === node);
    if (known >= 0) proc.answers[known] = [node, answer];
    else proc.answers.push([node, answer]);
    return proc.answers.filter(([, text]) => text === answer).length >= this.replyQuorum;
  }

  private attemptTimeout(client: number, attempt: number): void {
    const proc = this.world.clients.procs[client]!;
    if (proc.op === null || proc.attempt !== attempt) return;
    proc.leaderHint = -1;
    if (this.replyQuorum === 1)
      return this.sendAttempt(client, retryTarget(proc, this.scenario.nodes));
    // A client that needs several answers retries at every node (PBFT's retransmission).
    const arrive = this.now + this.scenario.network.clientLatencyMicros;
    for (let node = 0; node < this.scenario.nodes; node++) {
      if (node !== proc.target)
        this.queue.push(arrive, EV.clientRequest, node, client, proc.seq, proc.op);
    }
    this.sendAttempt(client, proc.target);
  }

  private opTimeout(client: number, seq: number): void {
    const clients = this.world.clients;
    const proc = clients.procs[client]!;
    if (proc.op === null || proc.op.seq !== seq) return;
    this.addHistory(indeterminate(proc, this.now), REC.info, client);
    // As in Jepsen, a process whose op has an unknown outcome never issues another one.
    proc.process = clients.nextProcess++;
    this.finishOp(client);
  }

  private finishOp(client: number): void {
    const proc = this.world.clients.procs[client]!;
    proc.op = null;
    proc.attempt++;
    proc.redirects = 0;
    proc.answers = [];
    const workload = this.scenario.workload!;
    if (workload.mode === 'closed')
      this.queue.push(this.now + workload.thinkMicros, EV.clientStart, -1, client, 0, undefined);
  }

  private openLoopArrival(): void {
    const workload = this.scenario.workload!;
    const clients = this.world.clients;
    if (workload.stopMicros !== null && this.now >= workload.stopMicros) return;
    const idle = clients.procs.find((proc) => proc.op === null);
    if (idle === undefined) clients.shed++;
    else this.startOp(idle.id);
    this.scheduleArrival();
  }

  private scheduleArrival(): void {
    const rate = this.scenario.workload!.ratePerSec;
    if (rate <= 0) return;
    const mean = Math.max(1, Math.floor(PPM / rate));
    this.queue.push(
      this.now + this.streams.get('workload').range(1, 2 * mean),
      EV.arrival,
      -1,
      0,
      0,
      undefined,
    );
  }

  private addHistory(event: HistoryEvent, kind: RecordKind, client: number): void {
    this.historyLog.push(event);
    this.trace.record(kind, this.now, -1, client, this.trace.intern(event.f), event.process, 0);
    if (event.value !== undefined) this.trace.hashValue(event.value);
  }

  // ---- Start, checkpoints ---------------------------------------------------------------------

  private initialWorld(): VolatileWorld {
    const n = this.scenario.nodes;
    const perNode = <T>(make: () => T): T[] => Array.from({ length: n }, make);
    return {
      up: perNode(() => true),
      paused: perNode(() => false),
      states: perNode(() => null),
      stalled: perNode(() => []),
      timerGen: perNode(() => []),
      timerStart: perNode(() => []),
      timerDeadline: perNode(() => []),
      clocks: perNode(() => ({ baseGlobal: 0, baseLocal: 0, ppm: 0 })),
      clients: initialClients(this.scenario.workload, n),
      invariantMemory: this.module.invariants.map((invariant) => invariant.init()),
      invariantFailed: this.module.invariants.map(() => false),
    };
  }

  private start(): void {
    const s = this.scenario;
    for (const fault of s.faults) this.queue.push(fault.at, EV.fault, -1, 0, 0, fault.action);
    if (s.nemesis !== null) {
      const rng = this.streams.get('nemesis');
      const swarm = this.streams.get('nemesis-swarm');
      const latency = s.network.default.latency;
      const drawn = drawNemesis(s.nemesis, s.nodes, this.baseLossPpm, rng, latency, swarm);
      for (const fault of drawn) this.queue.push(fault.at, EV.fault, -1, 0, 0, fault.action);
      this.queue.push(s.nemesis.safetyMicros, EV.quiet, -1, 0, 0, undefined);
    }
    this.guarded(() => {
      for (let node = 0; node < s.nodes; node++) {
        const ctx = this.enterHandler(node);
        this.world.states[node] = this.module.init(ctx, s.params);
        this.leaveHandler(node);
      }
    });
    this.startClients();
    this.takeCheckpoint();
  }

  private startClients(): void {
    const workload = this.scenario.workload;
    if (workload === null || this.module.workload === undefined) return;
    if (workload.mode === 'open') return this.scheduleArrival();
    // Closed-loop clients start a little apart, so they do not all speak at once.
    for (const proc of this.world.clients.procs) {
      this.queue.push(
        this.now + this.streams.get('workload').range(0, workload.thinkMicros),
        EV.clientStart,
        -1,
        proc.id,
        0,
        undefined,
      );
    }
  }

  private takeCheckpoint(): void {
    const last = this.checkpoints[this.checkpoints.length - 1];
    // Checkpoints stay in event order; one already taken here (before a seek back) is still valid.
    if (last !== undefined && last.eventCount >= this.eventCount) return;
    this.checkpoints.push({
      now: this.now,
      eventCount: this.eventCount,
      inputIndex: this.inputIndex,
      queue: this.queue.snapshot(),
      network: this.network.snapshot(),
      rng: this.streams.save(),
      trace: this.trace.save(),
      volatile: structuredClone(this.world),
      disks: this.disks.map((disk) => new Map(disk)),
      historyLength: this.history.length,
      violationsLength: this.violations.length,
      counters: { ...this.counters },
    });
  }

  private lastCheckpoint(eligible: (c: Checkpoint) => boolean): Checkpoint {
    for (let i = this.checkpoints.length - 1; i >= 0; i--) {
      const checkpoint = this.checkpoints[i]!;
      if (eligible(checkpoint)) return checkpoint;
    }
    return this.checkpoints[0]!;
  }

  /** A checkpoint behind the cursor always; one ahead while its past is still known. */
  private canRestore(c: Checkpoint): boolean {
    return (
      this.trace.canRestore(c.trace.length) &&
      this.historyLog.canMoveTo(c.historyLength) &&
      this.violationLog.canMoveTo(c.violationsLength)
    );
  }

  private restore(c: Checkpoint): void {
    this.now = c.now;
    this.eventCount = c.eventCount;
    this.inputIndex = c.inputIndex;
    this.queue.restore(c.queue);
    this.network.restore(c.network);
    this.streams.restore(c.rng);
    this.trace.restore(c.trace);
    this.world = structuredClone(c.volatile) as VolatileWorld;
    this.view.states = this.world.states;
    this.disks = c.disks.map((disk) => new Map(disk));
    this.historyLog.moveTo(c.historyLength);
    this.violationLog.moveTo(c.violationsLength);
    this.counters = { ...c.counters };
    this.stopped = null;
  }

  /** Number of checkpoints held (for tests and the inspector). */
  checkpointCount(): number {
    return this.checkpoints.length;
  }

  /** The stream a node draws from (for its context). */
  nodeStream(node: NodeId): Stream {
    return this.streams.get(`node:${node}`);
  }

  noteFrom(node: NodeId, kind: string, value: number): void {
    assert(Number.isInteger(value), 'note value must be an integer', kind, value);
    this.trace.record(REC.note, this.now, node, -1, this.trace.intern(kind), value, 0);
  }
}

/** Freeze a value and everything it holds (Maps and Sets are frozen but stay mutable). */
function deepFreeze(value: unknown): void {
  if (typeof value !== 'object' || value === null || Object.isFrozen(value)) return;
  if (ArrayBuffer.isView(value)) return; // typed arrays cannot be frozen
  Object.freeze(value);
  if (value instanceof Map) {
    for (const [k, v] of value) {
      deepFreeze(k);
      deepFreeze(v);
    }
  } else if (value instanceof Set) {
    for (const v of value) deepFreeze(v);
  } else {
    for (const key of Object.keys(value)) deepFreeze((value as Record<string, unknown>)[key]);
  }
}

/** The scenario with the parameters the module's nemesis hook draws (a stream of their own). */
function withNemesisParams(scenario: Scenario, module: ProtocolModule): Scenario {
  if (scenario.nemesis === null || module.nemesisParams === undefined) return scenario;
  const rng = new Stream(scenario.seed, 'nemesis-params');
  const drawn = module.nemesisParams(rng, scenario.params, scenario.nodes);
  if (Object.keys(drawn).length === 0) return scenario;
  return { ...scenario, params: { ...scenario.params, ...drawn } };
}

/** A message held while its receiver is paused. */
interface Held {
  readonly msg: Message;
  readonly typeId: number;
  readonly sentAt: Micros;
}

type MutableClusterView = { -readonly [K in keyof ClusterView<unknown>]: ClusterView<unknown>[K] };

/** The context a node's handlers see: its identity, its clock, and its only ways to act. */
class NodeContext implements NodeCtx<Message> {
  now: Micros = 0;
  readonly peers: readonly NodeId[];
  readonly nodes: number;
  readonly variant: string | null;
  readonly params: ParamValues;

  constructor(
    private readonly sim: Simulation,
    readonly self: NodeId,
  ) {
    this.params = sim.scenario.params;
    this.nodes = sim.scenario.nodes;
    this.peers = Array.from({ length: this.nodes }, (_, i) => i).filter((i) => i !== self);
    this.variant = sim.scenario.variant;
  }

  get rng(): Stream {
    return this.sim.nodeStream(this.self);
  }

  send(to: NodeId, msg: Message): void {
    this.sim.sendFrom(this.self, to, msg);
  }

  broadcast(msg: Message): void {
    for (const peer of this.peers) this.sim.sendFrom(this.self, peer, msg);
  }

  setTimer(name: string, delay: Micros | { readonly min: Micros; readonly max: Micros }): void {
    const micros = typeof delay === 'number' ? delay : this.rng.range(delay.min, delay.max);
    this.sim.setTimer(this.self, name, micros);
  }

  cancelTimer(name: string): void {
    this.sim.cancelTimer(this.self, name);
  }

  persist(key: string, value: unknown): void {
    this.sim.persist(this.self, key, value);
  }

  reply(op: ClientOp, result: ClientReply): void {
    this.sim.reply(this.self, op, result);
  }

  note(kind: string, value = 0): void {
    this.sim.noteFrom(this.self, kind, value);
  }
}

export { AssertionError };
