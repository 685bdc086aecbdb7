import { valueText } from '../core/value-text.js'
import type { RollbackPlan } from './plan-rollback.js'

/**
 * What a run records of its plan when it begins (rollback_runs.plan): per app, in execution order, the target
 * snapshot and the components in restore order with the version each ran before the run. With the state
 * database and the repository that is enough to rebuild the plan on resume without choosing targets again
 * (a half-rolled-back app would make "the newest known good that differs from what runs" a different answer).
 */
export interface PersistedPlan {
  version: 1
  apps: { app: string; target: string; components: { name: string; from: string }[] }[]
}

export function persistPlan(plan: RollbackPlan): PersistedPlan {
  return {
    version: 1,
    apps: plan.apps.map((a) => ({
      app: a.app.name,
      target: a.target.id,
      components: a.components.map((c) => ({ name: c.component.name, from: c.from })),
    })),
  }
}

/** Parses rollback_runs.plan; throws on anything this version did not write (a bug or a hand edit). */
export function parsePersistedPlan(text: string): PersistedPlan {
  let plan: PersistedPlan | null | undefined
  try {
    plan = JSON.parse(text) as PersistedPlan | null
  } catch {
    throw new Error('unreadable rollback plan (not JSON)')
  }
  const wellFormed =
    plan?.version === 1 &&
    Array.isArray(plan.apps) &&
    plan.apps.every(
      (a) =>
        typeof a?.app === 'string' &&
        typeof a.target === 'string' &&
        Array.isArray(a.components) &&
        a.components.every((c) => typeof c?.name === 'string' && typeof c.from === 'string'),
    )
  if (!wellFormed) throw new Error(`unreadable rollback plan (format ${valueText((plan as { version?: unknown } | null)?.version)})`)
  return plan!
}
