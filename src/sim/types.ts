/**
 * The contracts between the kernel (src/sim), the protocols (src/protocols) and the UI (src/ui).
 * Everything here is plain data or an interface: no behaviour lives in this file.
 */

/** Simulated time, an integer number of microseconds. Never a float. */
export type Micros = number;
/** A node's index in the cluster, 0 .. nodes-1. */
export type NodeId = number;

/** Every message a protocol sends is a plain, immutable object with a `type` from its paper. */
export interface Message {
  readonly type: string;
}

/** A uniform random source owned by the kernel; integer arithmetic only. */
export interface Rng {
  /** A uniformly distributed integer in [0, bound), bound in 1 .. 2^32. */
  int(bound: number): number;
  /** A uniformly distributed integer in [min, max] (inclusive). */
  range(min: number, max: number): number;
  /** True with probability ppm / 1,000,000. */
  chancePpm(ppm: number): boolean;
}

/** A client operation as the protocol sees it. `f` names the operation ("put", "broadcast"...). */
export interface ClientOp {
  /** The client process that issued the op (for per-client sessions and dedup). */
  readonly client: number;
  /** The op's sequence number within its client; a retry carries the same number. */
  readonly seq: number;
  readonly f: string;
  readonly key?: string;
  readonly value?: unknown;
}

/** What a node answers to a client op. */
export type ClientReply =
  /** The op took effect; `value` is what a read returned. */
  | { readonly kind: 'ok'; readonly value?: unknown }
  /** The op definitely did not take effect (for instance a cas that saw another value). */
  | { readonly kind: 'fail'; readonly error: string }
  /** This node cannot serve the op; the client retries, at `leader` if given. */
  | { readonly kind: 'redirect'; readonly leader?: NodeId };

/** The only way a protocol handler touches the world. */
export interface NodeCtx<M extends Message = Message> {
  readonly self: NodeId;
  /** Every other node of the cluster, in increasing order. */
  readonly peers: readonly NodeId[];
  /** Cluster size. */
  readonly nodes: number;
  /** This node's local clock (offset and drift applied), in microseconds. */
  readonly now: Micros;
  /** The buggy variant switched on for this run, or null for the faithful protocol. */
  readonly variant: string | null;
  /** The run's parameters, complete (defaults filled in). */
  readonly params: ParamValues;
  /** This node's own random stream. */
  readonly rng: Rng;
  send(to: NodeId, msg: M): void;
  /** Send to every peer (not to self). */
  broadcast(msg: M): void;
  /** (Re)arm a named timer; the delay runs on this node's local clock. */
  setTimer(name: string, delay: Micros | { readonly min: Micros; readonly max: Micros }): void;
  cancelTimer(name: string): void;
  /**
   * Write `value` under `key` to this node's disk: it survives a crash, not an amnesia restart.
   * The kernel stores a deep copy taken now; `undefined` deletes the key.
   */
  persist(key: string, value: unknown): void;
  /** Answer a client op. */
  reply(op: ClientOp, result: ClientReply): void;
  /** Record a protocol-level event in the trace (role change, commit...). `value` is an integer. */
  note(kind: string, value?: number): void;
}

/** One typed, bounded parameter. */
export type ParamDef =
  | {
      readonly kind: 'int';
      readonly label: string;
      readonly help: string;
      readonly min: number;
      readonly max: number;
      readonly default: number;
      readonly unit?: string;
    }
  | {
      readonly kind: 'bool';
      readonly label: string;
      readonly help: string;
      readonly default: boolean;
    }
  | {
      readonly kind: 'enum';
      readonly label: string;
      readonly help: string;
      readonly options: readonly string[];
      readonly default: string;
    }
  | {
      /** A short structured text, e.g. "1:equivocate,3:silent". Untrusted: always validated. */
      readonly kind: 'text';
      readonly label: string;
      readonly help: string;
      readonly default: string;
      readonly maxLength: number;
      /** The whole value must match this (a RegExp source, anchored by the checker). */
      readonly pattern: string;
      /** What the pattern accepts, in words and an example, for error messages. */
      readonly accepts: string;
      /** A further check (e.g. node ids within the cluster): what is wrong, or null. */
      problem?(value: string, nodes: number): string | null;
    };

export type ParamSpec = Readonly<Record<string, ParamDef>>;
export type ParamValues = Readonly<Record<string, number | boolean | string>>;

/** A read-only view of the cluster for invariant checks. */
export interface ClusterView<S> {
  readonly now: Micros;
  /** Each node's state, or null while it is crashed. Do not mutate. */
  readonly states: readonly (S | null)[];
  /** The node whose handler ran in the last event, or -1 (a fault, a client tick). */
  readonly lastNode: NodeId;
  readonly params: ParamValues;
  readonly variant: string | null;
  /** The client history so far (append-only between checkpoints). */
  readonly history: readonly HistoryEvent[];
}

/**
 * A cluster-wide safety property checked after every event. `Memory` is the checker's own
 * state across events (for instance "the leader seen in each term"); the kernel saves it in
 * checkpoints, so it must be plain data (structuredClone-able).
 */
export interface Invariant<S, Memory = unknown> {
  readonly id: string;
  readonly description: string;
  init(): Memory;
  /** A message saying what is broken, or null. */
  check(memory: Memory, cluster: ClusterView<S>): string | null;
}

/**
 * A consistency guarantee of a client history (src/sim/history/guarantees.ts checks them):
 * linearizable (one order, respecting real time); sequential (one order, respecting each
 * process's order only); read-your-writes and monotonic-reads (session guarantees per process).
 */
export type Guarantee = 'linearizable' | 'sequential' | 'read-your-writes' | 'monotonic-reads';

/** What the client workload asks of a protocol: how to make the next operation. */
export interface WorkloadSpec {
  /**
   * The ops the workload offers and their default weights. When present, the kernel draws each
   * op's name by these weights (or the scenario's `workload.mix`) and passes it as `f`.
   */
  readonly defaultMix?: Readonly<Record<string, number>>;
  /** The next op for `client`, drawn from the workload stream; `f` is the drawn op name, if any. */
  nextOp(
    rng: Rng,
    client: number,
    seq: number,
    f?: string,
  ): { f: string; key?: string; value?: unknown };
}

/** Liveness, judged once after the quiet phase. A message saying what did not happen, or null. */
export type LivenessCheck<S> = (
  cluster: ClusterView<S>,
  history: readonly HistoryEvent[],
) => string | null;

/** Summary of one node for the views. */
export interface NodeSummary {
  readonly role: string;
  /** Term, epoch, view or ballot: whatever the protocol numbers its eras by; -1 if none. */
  readonly term: number;
  /** A short badge, e.g. "commit 12". */
  readonly badge?: string;
}

export interface ProtocolView<S, M extends Message> {
  /** Colour per role name (CSS colour). */
  readonly roleColors: Readonly<Record<string, string>>;
  summarize(state: S): NodeSummary;
  /** A one-line label for a message in flight. */
  label(msg: M): string;
  /** The timer whose countdown ring the cluster view draws, if any. */
  readonly ringTimer?: string;
  /** The roles that lead (for the isolateLeader fault). Default: ['leader']. */
  readonly leaderRoles?: readonly string[];
  /**
   * The protocol's own panel in the inspector, as plain data (no markup): sections of labelled
   * rows and of coloured cells (for instance a log as cells toned by term). Optional.
   */
  inspect?(state: S, self: NodeId): readonly InspectSection[];
  /**
   * The protocol's own series for the metrics charts, sampled by the app along the run: series
   * name to value (e.g. {"commit n0": 12} or {"distinct states": 3}). Crashed nodes are null.
   * Optional; the app charts messages, client latency and terms for every protocol by itself.
   */
  metrics?(states: readonly (S | null)[]): Readonly<Record<string, number>>;
  /**
   * The replicas' states side by side (CRDTs, replication strategies): a row per node, a column
   * per part of the state (a key, a value), each cell marked where it differs from the others.
   * Optional; the app shows it as the Replicas tab.
   */
  compare?(states: readonly (S | null)[]): ReplicaComparison;
}

/** Replicas side by side. Text is shown as text, never as HTML. */
export interface ReplicaComparison {
  readonly columns: readonly string[];
  /** One row per node; `cells` is null while the node is down (or holds no replica). */
  readonly rows: readonly {
    readonly node: NodeId;
    readonly cells: readonly { readonly text: string; readonly differs: boolean }[] | null;
  }[];
  /** What `differs` compares with (e.g. "the join of all replicas"). */
  readonly note: string;
}

/** One section of a protocol's inspector panel. Text is shown as text, never as HTML. */
export interface InspectSection {
  readonly title: string;
  readonly rows?: readonly (readonly [label: string, value: string | number | boolean | null])[];
  /** A row of cells; `tone` picks a colour (e.g. the term), `marked` outlines a cell. */
  readonly cells?: readonly InspectCell[];
  /**
   * A small table: named columns, and rows of cells under them (e.g. replicas by phases, a cell
   * marked for each vote held). Each row has one cell per column.
   */
  readonly grid?: {
    readonly columns: readonly string[];
    readonly rows: readonly { readonly label: string; readonly cells: readonly InspectCell[] }[];
  };
  /** A caption under the cells (e.g. "commit index 7"). */
  readonly note?: string;
}

/** One cell of an inspector section: `tone` picks a colour, `marked` outlines it. */
export interface InspectCell {
  readonly text: string;
  readonly tone?: number;
  readonly marked?: boolean;
  readonly title?: string;
}

export interface VariantInfo {
  readonly label: string;
  /** One line the UI shows next to the switch. */
  readonly explanation: string;
}

/** An operator command a protocol accepts (FaultAction kind 'command'), with the node it names. */
export interface CommandInfo {
  readonly label: string;
  /** One line the UI shows: what the command does. */
  readonly explanation: string;
}

/** A named, classroom-ready scenario; `scenario` is merged over the protocol's defaults. */
export interface Preset {
  readonly id: string;
  readonly title: string;
  readonly description: string;
  readonly scenario: Partial<Omit<Scenario, 'version' | 'protocol'>>;
}

/** A protocol: a pure actor plus its checks and its view. */
export interface ProtocolModule<S = any, M extends Message = any> {
  readonly id: string;
  readonly title: string;
  readonly summary: string;
  readonly params: ParamSpec;
  readonly variants: Readonly<Record<string, VariantInfo>>;
  /** Defaults a scenario starts from. */
  readonly defaults: { readonly nodes: number; readonly workload: WorkloadConfig | null };
  init(ctx: NodeCtx<M>, params: ParamValues): S;
  /** After a restart: the node's disk (a private copy), empty after an amnesia restart. */
  recover(ctx: NodeCtx<M>, disk: ReadonlyMap<string, unknown>, params: ParamValues): S;
  onMessage(ctx: NodeCtx<M>, state: S, from: NodeId, msg: M): void;
  onTimer(ctx: NodeCtx<M>, state: S, timer: string): void;
  onClientOp?(ctx: NodeCtx<M>, state: S, op: ClientOp): void;
  /** Operator commands (membership changes...), by name; onCommand runs them on each node. */
  readonly commands?: Readonly<Record<string, CommandInfo>>;
  onCommand?(ctx: NodeCtx<M>, state: S, command: string, node: NodeId): void;
  readonly workload?: WorkloadSpec;
  /** The model its client history is checked against, if any. */
  readonly historyModel?: 'register' | 'kv';
  /**
   * The guarantees this configuration claims for its client history. Breaking a claimed one is
   * a violation; breaking one it never claimed is an anomaly, reported for teaching. Default
   * when a historyModel is set: linearizable. `nodes` is the cluster size when the caller knows
   * it (PBFT's claim depends on how many Byzantine replicas it has against f).
   */
  claims?(params: ParamValues, variant: string | null, nodes?: number): readonly Guarantee[];
  /**
   * How many distinct nodes must send the same answer before a client accepts it (PBFT: f + 1,
   * so that an honest replica vouches for it). Such a client sends a retry to every node at once.
   * Default 1: the first answer is taken, and a retry goes to one node.
   */
  clientReplyQuorum?(params: ParamValues, nodes: number): number;
  /**
   * With the nemesis on: parameters drawn from the seed (a stream of their own) laid over the
   * scenario's, e.g. which replicas turn Byzantine. The run's scenario records them, so its
   * link replays exactly (a hook should draw nothing when the scenario already names its own).
   */
  nemesisParams?(rng: Rng, params: ParamValues, nodes: number): ParamValues;
  readonly invariants: readonly Invariant<S, any>[];
  readonly liveness?: LivenessCheck<S>;
  /**
   * Whether the replicas that are up hold one and the same state (CRDTs). Optional: the command
   * line samples it along a run to report the time to converge after the last update.
   */
  converged?(states: readonly (S | null)[]): boolean;
  readonly view: ProtocolView<S, M>;
  readonly presets: readonly Preset[];
}

// ---------------------------------------------------------------------------------------------
// Scenario: everything needed to reproduce a run.

export type LatencyDist =
  | { readonly kind: 'constant'; readonly micros: Micros }
  | { readonly kind: 'uniform'; readonly minMicros: Micros; readonly maxMicros: Micros }
  /** Irwin-Hall (sum of four uniforms): bell-shaped around mean, bounded by mean +- 2*spread. */
  | { readonly kind: 'normal'; readonly meanMicros: Micros; readonly spreadMicros: Micros }
  /** Pareto-like: minMicros / u for a uniform u, capped at maxMicros. */
  | { readonly kind: 'longtail'; readonly minMicros: Micros; readonly maxMicros: Micros };

export interface LinkPolicy {
  readonly latency: LatencyDist;
  /** Probability a message is lost, in parts per million. */
  readonly lossPpm: number;
  /** Probability a message is delivered twice, in parts per million. */
  readonly duplicatePpm: number;
  /** false: the link is FIFO; true: messages may overtake each other. */
  readonly reorder: boolean;
}

export interface NetworkConfig {
  readonly default: LinkPolicy;
  /** Per-link overrides, `from -> to`. */
  readonly links: readonly {
    readonly from: NodeId;
    readonly to: NodeId;
    readonly policy: LinkPolicy;
  }[];
  /** One-way latency between a client and any node. */
  readonly clientLatencyMicros: Micros;
}

/** A fault or an operator action, as data. */
export type FaultAction =
  | { readonly kind: 'crash'; readonly node: NodeId }
  | { readonly kind: 'restart'; readonly node: NodeId }
  | { readonly kind: 'amnesia'; readonly node: NodeId }
  | { readonly kind: 'pause'; readonly node: NodeId }
  | { readonly kind: 'resume'; readonly node: NodeId }
  /** Nodes in different groups cannot talk; nodes in no group form one more group together. */
  | { readonly kind: 'partition'; readonly groups: readonly (readonly NodeId[])[] }
  /** Remove every partition and every cut link. */
  | { readonly kind: 'heal' }
  /** Cut the link from -> to (one way). */
  | { readonly kind: 'cut'; readonly from: NodeId; readonly to: NodeId }
  | { readonly kind: 'uncut'; readonly from: NodeId; readonly to: NodeId }
  /** Set loss on every link (ppm). */
  | { readonly kind: 'loss'; readonly ppm: number }
  /** Set the latency distribution of every link. */
  | { readonly kind: 'latency'; readonly latency: LatencyDist }
  /** Jump a node's clock by deltaMicros (may be negative). */
  | { readonly kind: 'clockJump'; readonly node: NodeId; readonly deltaMicros: Micros }
  /** Set a node's clock drift, in parts per million (positive: the clock runs fast). */
  | { readonly kind: 'clockDrift'; readonly node: NodeId; readonly ppm: number }
  /** Let messages overtake each other on every link (on), or make every link FIFO again (off). */
  | { readonly kind: 'reorder'; readonly on: boolean }
  /**
   * Cut off whichever node leads when this fires (the running node the protocol's view calls a
   * leader, the highest term first) from every other node; nothing when no node leads.
   */
  | { readonly kind: 'isolateLeader' }
  /**
   * An operator command the protocol declares (e.g. Raft's add-server), delivered to every
   * running node; the protocol decides which node acts on it. `node` is its argument.
   */
  | { readonly kind: 'command'; readonly command: string; readonly node: NodeId };

export interface TimedFault {
  readonly at: Micros;
  readonly action: FaultAction;
}

/** A user's action taken while watching, applied before the event numbered `event` runs. */
export interface RecordedInput {
  readonly event: number;
  readonly at: Micros;
  readonly action: FaultAction;
}

export type NemesisKind =
  | 'partition'
  | 'cut'
  | 'crash'
  | 'pause'
  | 'loss'
  | 'clock'
  | 'reorder'
  /** Isolate whoever leads at that moment (isolateLeader), then heal. */
  | 'leader';

export interface NemesisConfig {
  /** Faults are drawn during [0, safetyMicros); then every fault is healed and the quiet phase begins. */
  readonly safetyMicros: Micros;
  /** Mean gap between two faults. */
  readonly intervalMicros: Micros;
  readonly kinds: readonly NemesisKind[];
}

export interface WorkloadConfig {
  readonly clients: number;
  /** closed: each client waits thinkMicros after a reply; open: ops arrive at ratePerSec overall. */
  readonly mode: 'closed' | 'open';
  readonly thinkMicros: Micros;
  readonly ratePerSec: number;
  /** An attempt unanswered for this long is retried at another node. */
  readonly attemptTimeoutMicros: Micros;
  /** An op unanswered for this long is recorded as info (outcome unknown). */
  readonly opTimeoutMicros: Micros;
  /** No new op starts after this time (null: until the end of the run). */
  readonly stopMicros: Micros | null;
  /** Weight of each op (e.g. {get: 3, put: 1}); empty: the protocol's default mix. */
  readonly mix: Readonly<Record<string, number>>;
}

export const SCENARIO_VERSION = 1;

export interface Scenario {
  readonly version: typeof SCENARIO_VERSION;
  readonly protocol: string;
  readonly variant: string | null;
  readonly params: ParamValues;
  readonly nodes: number;
  readonly seed: string;
  /** How far the run goes when nothing says otherwise. */
  readonly durationMicros: Micros;
  readonly network: NetworkConfig;
  readonly faults: readonly TimedFault[];
  readonly nemesis: NemesisConfig | null;
  readonly workload: WorkloadConfig | null;
  readonly inputs: readonly RecordedInput[];
}

// ---------------------------------------------------------------------------------------------
// History and results.

/** A Jepsen-style history event. */
export interface HistoryEvent {
  readonly process: number;
  readonly type: 'invoke' | 'ok' | 'fail' | 'info';
  readonly f: string;
  readonly key?: string;
  readonly value?: unknown;
  readonly at: Micros;
}

export interface Violation {
  readonly invariant: string;
  readonly atMicros: Micros;
  /** Index of the event after which the invariant first failed. */
  readonly event: number;
  readonly message: string;
}
