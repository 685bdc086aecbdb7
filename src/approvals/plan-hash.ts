import { createHash } from 'node:crypto'
import { canonicalJson } from '../core/canonical-json.js'
import type { RollbackPlan } from '../rollback/plan-rollback.js'

/**
 * What an approval is bound to: per app (in execution order) the target snapshot, and per component its
 * manifest and the version it moves away from. The version restored from is part of it because a deploy in
 * between leaves target and manifests alone unchanged (the last known good is still the same snapshot), yet the
 * rollback would then throw away a release nobody approved throwing away.
 */
export interface PlanForm {
  apps: { app: string; target: string; components: { name: string; manifest: string; from: string }[] }[]
}

export function planForm(plan: RollbackPlan): PlanForm {
  return {
    apps: plan.apps.map((a) => ({
      app: a.app.name,
      target: a.target.id,
      components: a.components.map((c) => ({ name: c.component.name, manifest: c.manifestId, from: c.from })),
    })),
  }
}

/** SHA-256 hex of the form's canonical JSON: equal exactly when the same plan would run. */
export function planHash(form: PlanForm): string {
  return createHash('sha256').update(canonicalJson(form)).digest('hex')
}

/** One line per app, as messages and `approvals show` print it. */
export function describePlan(form: PlanForm): string {
  return form.apps.map((a) => `- ${a.app} → ${a.target}: ${a.components.map((c) => `${c.name} (now ${c.from})`).join(', ')}`).join('\n')
}
