import { UserError } from '../core/errors.js'
import type { Platform } from '../platform/platform.js'
import { providerFor } from '../providers/registry.js'
import { providerContext } from '../snapshots/create-snapshot.js'
import { findSnapshot } from '../snapshots/snapshot-record.js'
import type { RollbackRunTable } from '../state/schema.js'
import { parsePersistedPlan } from './persisted-plan.js'
import { type AppPlan, type ComponentPlan, planComponent, type RollbackPlan } from './plan-rollback.js'
import { describeStop, loadSteps, type StepRecord } from './step-record.js'
import { requireUnfinished } from './unfinished-run.js'

export interface ResumePlan {
  run: RollbackRunTable
  /** The plan the run began with, rebuilt from its record, the state database and the repository. */
  plan: RollbackPlan
  /** The journal so far, as read before the lock is taken (the run re-reads it under the lock). */
  steps: StepRecord[]
  stoppedAt: string
  /**
   * Components whose live version is neither the run's recorded "before" nor its target: someone deployed
   * since the run stopped, so finishing it would revert their release. Non-empty: restore nothing (supersedeRun).
   */
  superseded: Superseded[]
}

export interface Superseded {
  app: string
  component: string
  live: string
  before: string
  target: string
}

/**
 * Rebuilds the plan of an unfinished run exactly as it began (same targets, components, order), never
 * choosing targets again. Checks everything a resume needs before anything changes: the apps and components
 * are still configured with the same providers, the target snapshots and the run's safety snapshots are still
 * in the repository. Otherwise UserError (exit 2), and the run stays as it was.
 */
export async function planResume(p: Platform, runId: string, signal: AbortSignal): Promise<ResumePlan> {
  const run = await requireUnfinished(p.state.db, runId, 'resume')
  const steps = await loadSteps(p.state.db, runId)
  const cannot = (why: string) =>
    new UserError(
      `rollback ${runId} cannot be resumed as planned: ${why}; give it up with \`lastgood rollback --abandon ${runId} --reason "<why>"\``,
    )
  const apps: AppPlan[] = []
  const superseded: Superseded[] = []
  for (const planned of parsePersistedPlan(run.plan!).apps) {
    const app = p.config.apps.find((a) => a.name === planned.app)
    if (!app) throw cannot(`app ${planned.app} is no longer in the configuration`)
    const target = await findSnapshot(p.state.db, planned.target)
    if (!target || target.prunedAt) throw cannot(`its target snapshot ${planned.target} of ${app.name} is ${target ? 'pruned' : 'gone'}`)
    const safety = steps.find((s) => s.app === app.name && s.name === 'safety-snapshot' && s.status === 'succeeded')?.detail?.snapshot
    if (typeof safety === 'string') {
      const snap = await findSnapshot(p.state.db, safety)
      if (!snap || snap.prunedAt)
        throw cannot(`its safety snapshot ${safety} of ${app.name}, needed to revert, is ${snap ? 'pruned' : 'gone'}`)
    }
    const components: ComponentPlan[] = []
    for (const { name, from } of planned.components) {
      const c = app.components.find((x) => x.name === name)
      if (!c) throw cannot(`component ${app.name}/${name} is no longer in the configuration`)
      const current = await providerFor(c).current(c, providerContext(p, app, c, signal))
      const planned = await planComponent(p, app, target, c, current, from, signal)
      if (current.version !== from && current.version !== planned.manifest.version)
        superseded.push({ app: app.name, component: name, live: current.version, before: from, target: planned.manifest.version })
      components.push(planned)
    }
    apps.push({ app, target, components })
  }
  return { run, plan: { apps }, steps, stoppedAt: describeStop(steps), superseded }
}
