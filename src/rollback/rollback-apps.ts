import type { Platform } from '../platform/platform.js'
import { type PlanRequest, planRollback } from './plan-rollback.js'
import type { RollbackReport } from './rollback-report.js'
import { type RunOptions, runRollback } from './run-rollback.js'

/** A rollback from request to report: what to restore and to what (PlanRequest), who runs it and why (RunOptions). */
export type RollbackRequest = PlanRequest & Omit<RunOptions, 'decision'>

/**
 * Plans, then runs, for a caller with nothing to show or ask in between. Everything that can fail before the
 * first change fails in planRollback, so a request that cannot run throws with nothing touched; `signal`
 * bounds the planning, `stop` the run. A caller that shows or checks the plan first (a person's confirmation,
 * a batch of automatic rollbacks, a runbook's announcement) calls planRollback and runRollback itself.
 */
export async function rollbackApps(p: Platform, req: RollbackRequest): Promise<RollbackReport> {
  const { reason, actor, stop } = req
  const plan = await planRollback(p, req)
  return runRollback(p, plan, { reason, actor, ...(stop ? { stop } : {}) })
}
