import type { ActionSource } from '../decisions/scenario.js'
import { type Platform, selectApps } from '../platform/platform.js'
import { planRollback, type RollbackPlan } from '../rollback/plan-rollback.js'
import type { RollbackAsk } from './approval.js'

/**
 * Plans what a request asks for. The same function plans a runbook's rollback when it asks and again when it
 * is approved, so an unchanged platform gives the same plan hash; a person's rollback (apps, `to`,
 * `components`) is planned as `lastgood rollback` plans it. A runbook's per-app selection is planned app by
 * app, since each app may restore its own components.
 */
export async function planAsk(p: Platform, ask: RollbackAsk, signal: AbortSignal): Promise<RollbackPlan> {
  if (!ask.restore) {
    return planRollback(p, {
      apps: selectApps(p.config, ask.apps),
      ...(ask.to ? { to: ask.to } : {}),
      ...(ask.components ? { components: ask.components } : {}),
      signal,
    })
  }
  const apps: RollbackPlan['apps'] = []
  for (const r of ask.restore) {
    const plan = await planRollback(p, {
      apps: selectApps(p.config, [r.app]),
      targets: new Map([[r.app, r.to]]),
      ...(r.components ? { components: r.components } : {}),
      signal,
    })
    apps.push(...plan.apps)
  }
  return { apps }
}

/** Who asked, for the decision matrix: the incident whose runbook asked, else the person (and the scenario they named). */
export function askSource(ask: RollbackAsk): ActionSource {
  if (ask.incident) return { by: 'incident', type: ask.incident.type }
  return { by: 'person', ...(ask.scenario ? { scenario: ask.scenario } : {}) }
}
