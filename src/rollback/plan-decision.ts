import type { ResolvedConfig } from '../config/types.js'
import { type Decision, decide } from '../decisions/decide.js'
import { type ActionSource, scenarioOf } from '../decisions/scenario.js'
import type { RollbackPlan } from './plan-rollback.js'

/** What the decision matrix says about running `plan`: its scenario from the source and what it restores. */
export function decidePlan(config: ResolvedConfig, plan: RollbackPlan, source: ActionSource): Decision {
  const restores = plan.apps.flatMap((a) => a.components.map((c) => c.component))
  return decide(
    config,
    scenarioOf(source, restores),
    plan.apps.map((a) => a.app),
  )
}
