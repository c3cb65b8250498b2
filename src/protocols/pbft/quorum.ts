import type { NodeId, ParamValues } from '../../sim/types';
import { VARIANT } from './types';

/** f: the most Byzantine replicas n replicas tolerate (n = 3f + 1 in the paper). */
export function faultsTolerated(nodes: number): number {
  return Math.floor((nodes - 1) / 3);
}

/**
 * The quorum: 2f + 1 when n = 3f + 1. For other n, ⌈(n + f + 1) / 2⌉, the smallest size for
 * which any two quorums share f + 1 replicas, so at least one honest one.
 */
export function quorum(nodes: number): number {
  return Math.floor((nodes + faultsTolerated(nodes) + 2) / 2);
}

/** Prepares a prepared certificate needs besides the pre-prepare: 2f, from different backups. */
export function preparesNeeded(nodes: number): number {
  return quorum(nodes) - 1;
}

/** Commits a committed-local certificate needs: 2f + 1 (2f with the buggy variant). */
export function commitsNeeded(nodes: number, variant: string | null): number {
  return variant === VARIANT.commitQuorum2f ? quorum(nodes) - 1 : quorum(nodes);
}

/** The primary of view v is replica p = v mod |R|. */
export function primaryOf(view: number, nodes: number): NodeId {
  return view % nodes;
}

/** L, the width of the window (h, h + L] of acceptable sequence numbers: two checkpoints. */
export function logWindow(params: ParamValues): number {
  return 2 * (params.checkpointInterval as number);
}
