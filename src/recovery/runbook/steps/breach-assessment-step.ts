import { type BreachStep, startBreachAssessmentIn } from '../../breach-assessment.js'
import { type StepContext, type StepOutcome, writeIncident } from '../step-context.js'

/**
 * Starts the incident's breach-assessment clock from its discovery: the time given with `incident declare
 * --discovered`, else the declaration. Its channels are told now (the deadline and what is required) and
 * hear every later update.
 */
export async function breachAssessmentStep(ctx: StepContext, step: BreachStep): Promise<StepOutcome> {
  const { discoveredAt } = ctx.incident.details
  const { assessment } = await writeIncident(ctx, async (w) => {
    const started = await startBreachAssessmentIn(w.tx, ctx.p.config, ctx.incident, step, {
      actor: ctx.actor,
      discoveredAt: typeof discoveredAt === 'string' ? discoveredAt : ctx.incident.openedAt,
      now: Date.now(),
    })
    ctx.incident = started.incident
    return started
  })
  return {
    ok: true,
    detail: `breach assessment due ${assessment.dueAt}${step.notify.length > 0 ? `; told ${step.notify.join(', ')} (queued)` : ''}`,
    data: { dueAt: assessment.dueAt, discoveredAt: assessment.discoveredAt, channels: step.notify },
  }
}
