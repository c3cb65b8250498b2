/**
 * Editing the fault schedule of the run on screen: the edit makes a new scenario, which is
 * validated, then run again from the start (deterministically) with the cursor kept where it
 * was. The address bar follows, as for every run, so a shared link carries the new schedule.
 */
import { type ParseResult, validateForProtocol } from '../sim/scenario';
import type { Scenario } from '../sim/types';
import { friendlyError } from './schedule';
import { currentRun, startRun } from './sim-bridge';

/** Apply `edit` to the current scenario and rebuild the run; an error message, or null. */
export function editSchedule(edit: (s: Scenario) => ParseResult<Scenario>): string | null {
  const run = currentRun();
  if (run === null) return 'Nothing is running yet.';
  const next = edit(run.simulation.currentScenario());
  if (!next.ok) return next.error;
  const valid = validateForProtocol(next.value, run.module);
  if (!valid.ok) return friendlyError(valid.error);
  startRun(run.module, valid.value, run.simulation.now);
  return null;
}
