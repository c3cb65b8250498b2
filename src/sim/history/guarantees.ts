import type { Guarantee, HistoryEvent, ParamValues, ProtocolModule } from '../types';
import {
  checkLinearizable,
  operationsFromHistory,
  type CheckBudget,
  type WitnessOp,
} from './linearizability';
import { MODELS, type Model, type OpInput, type Operation } from './models';
import { sequentialGuarantee } from './sequential';
import { monotonicReads, readYourWrites } from './sessions';

/**
 * Which guarantees a run's client history kept, judged against what the protocol's
 * configuration claims. One rule for every protocol: a broken claim is a violation; a broken
 * guarantee the protocol never claimed is an anomaly (shown for teaching, never a failure).
 */

/** What one checker says of one guarantee. */
export interface GuaranteeVerdict {
  readonly holds: boolean | 'unknown';
  /** For "unknown": which budget ran out. For false: a one-line account of the evidence. */
  readonly reason?: string;
  /** For false: the ops that show it, for the UI to highlight. */
  readonly ops?: readonly WitnessOp[];
  /** For false, when the checker can say: the partition (key) where it broke. */
  readonly key?: string | null;
}

export interface GuaranteeResult extends GuaranteeVerdict {
  readonly guarantee: Guarantee;
  readonly claimed: boolean;
}

/** A checker of one guarantee. Ops come from operationsFromHistory (ids are invoke indices). */
export type GuaranteeChecker = (
  ops: readonly Operation<OpInput, unknown>[],
  model: Model<unknown>,
  budget: CheckBudget,
) => GuaranteeVerdict;

function linearizable(
  ops: readonly Operation<OpInput, unknown>[],
  model: Model<unknown>,
  budget: CheckBudget,
): GuaranteeVerdict {
  const result = checkLinearizable(ops, model, budget);
  if (result.linearizable === true) return { holds: true };
  if (result.linearizable === 'unknown') return { holds: 'unknown', reason: result.reason ?? '' };
  const witness = result.witness;
  const evidence = witness?.ops ?? [];
  return {
    holds: false,
    reason: `no order of these ops respects real time: ${evidence.map((op) => op.description).join('; ') || 'no witness'}`,
    ops: evidence,
    key: witness?.key ?? null,
  };
}

/**
 * The checkers, strongest first. A guarantee without a checker here is not judged. Since
 * linearizability implies every weaker guarantee listed, the weaker ones are only checked when
 * linearizability does not hold.
 */
export const GUARANTEE_CHECKERS: Readonly<Partial<Record<Guarantee, GuaranteeChecker>>> = {
  linearizable,
  sequential: sequentialGuarantee,
  'read-your-writes': readYourWrites,
  'monotonic-reads': monotonicReads,
};

/** The guarantees a protocol claims in a configuration (the rule's default included). */
export function claimedGuarantees(
  module: ProtocolModule,
  params: ParamValues,
  variant: string | null,
  nodes?: number,
): readonly Guarantee[] {
  if (module.historyModel === undefined) return [];
  return module.claims?.(params, variant, nodes) ?? ['linearizable'];
}

/** Check every guarantee that has a checker; `claimed` decides violation or anomaly. */
export function checkGuarantees(
  history: readonly HistoryEvent[],
  modelName: keyof typeof MODELS,
  claimed: readonly Guarantee[],
  budget: CheckBudget,
): GuaranteeResult[] {
  const model = MODELS[modelName] as Model<unknown>;
  const ops = operationsFromHistory(history);
  const results: GuaranteeResult[] = [];
  let linearizableHolds = false;
  for (const [name, checker] of Object.entries(GUARANTEE_CHECKERS)) {
    const guarantee = name as Guarantee;
    const isClaimed = claimed.includes(guarantee);
    if (linearizableHolds) {
      results.push({
        guarantee,
        claimed: isClaimed,
        holds: true,
        reason: 'implied by linearizable',
      });
      continue;
    }
    const verdict = checker!(ops, model, budget);
    if (guarantee === 'linearizable' && verdict.holds === true) linearizableHolds = true;
    results.push({ guarantee, claimed: isClaimed, ...verdict });
  }
  return results;
}
