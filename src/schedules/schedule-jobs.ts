import { userInfo } from 'node:os'
import type { z } from 'zod'
import { actingAs } from '../auth/acting.js'
import { localIdentity } from '../auth/identity.js'
import type { ResolvedSchedule } from '../config/types.js'
import { drillRunOperation } from '../operations/drills.js'
import { snapshotVerifyOperation } from '../operations/inspect.js'
import type { Operation } from '../operations/operation.js'
import { parseInput } from '../operations/parse-input.js'
import { snapshotCreateOperation, snapshotPruneOperation } from '../operations/snapshots.js'
import type { Platform } from '../platform/platform.js'

/** Who runs scheduled jobs: the actor of every audit event they write, as the monitor is `lastgood-monitor`. */
export const SCHEDULER_ACTOR = 'lastgood-scheduler'

export interface JobOutcome {
  ok: boolean
  /** What it did, or what went wrong, in one line. */
  summary: string
}

/**
 * Runs a schedule's job through the operation its command runs, with the input the command would give it, as
 * lastgood's scheduler: it does exactly what `lastgood snapshot create …` would, and its audit events say who.
 * Exit code 0 is success; anything else, or an error, is a failure.
 */
export async function runScheduledJob(p: Platform, s: ResolvedSchedule, signal: AbortSignal): Promise<JobOutcome> {
  switch (s.job) {
    case 'snapshot-create': {
      const input = { app: s.apps.length > 0 ? s.apps : ['all'], kind: 'scheduled', label: s.name, reason: `schedule ${s.name}` }
      const { result, exitCode } = await run(p, snapshotCreateOperation, input, signal)
      const created = `created ${result.snapshots.map((x) => `${x.id} (${x.app})`).join(', ') || 'nothing'}`
      const failed = (result.failed ?? []).map((f) => `${f.app}: ${f.error}`)
      return { ok: exitCode === 0, summary: failed.length > 0 ? `${created}; failed ${failed.join('; ')}` : created }
    }
    case 'snapshot-prune': {
      const { result, exitCode } = await run(p, snapshotPruneOperation, { app: s.apps }, signal)
      return {
        ok: exitCode === 0,
        summary: `removed ${result.removed.length} snapshot(s), kept ${result.kept}, freed ${result.repository.bytesFreed} bytes`,
      }
    }
    case 'snapshot-verify': {
      const { result, exitCode } = await run(p, snapshotVerifyOperation, { id: [], read_data: s.readData }, signal)
      const checked = `verified ${result.checked.snapshots} snapshot(s), ${result.checked.blobs} blob(s)${s.readData ? `, ${result.checked.bytesRead} bytes read` : ''}`
      const problems = result.problems.map((x) => x.message)
      return {
        ok: exitCode === 0,
        summary: problems.length > 0 ? `${checked}; ${problems.length} problem(s): ${problems.slice(0, 3).join('; ')}` : checked,
      }
    }
    case 'drill': {
      const { result, exitCode } = await run(p, drillRunOperation, { scenario: s.scenarios }, signal)
      const drills = result.drills.map(
        (d) =>
          `${d.scenario} ${d.success && d.withinRto ? 'passed' : 'FAILED'}${d.recoveryMs !== null ? ` in ${d.recoveryMs} ms` : ''}${d.problem ? ` (${d.problem})` : ''}`,
      )
      return { ok: exitCode === 0, summary: drills.join('; ') || 'no drill ran' }
    }
  }
}

function run<S extends z.ZodType, R, P>(p: Platform, op: Operation<S, R, P>, input: z.input<S>, signal: AbortSignal) {
  const identity = localIdentity(SCHEDULER_ACTOR, userInfo().username)
  return actingAs(identity, () => op.run(p, parseInput(op as Operation<S, unknown>, input), { actor: SCHEDULER_ACTOR, signal }))
}
