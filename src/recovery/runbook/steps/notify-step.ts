import { type StepContext, type StepOutcome, stepName, writeIncident } from '../step-context.js'

/**
 * Tells the step's channels about the incident, with the declaration message (`incident_declared`: what it
 * is, and the runbook as the planned actions), and adds them to the audience so they hear every later
 * update. As with every incident message, everyone told so far receives it too. It only queues the
 * messages in the outbox: delivery never holds up the runbook, and a channel that is down does not fail
 * the step (its failures are on the timeline as notification.failed).
 */
export async function notifyStep(ctx: StepContext, channels: string[]): Promise<StepOutcome> {
  const actions = ctx.steps.map((s, i) => `${i + 1}. ${stepName(s)}`).join('\n')
  await writeIncident(ctx, (w) =>
    w.tell({ kind: 'incident_declared', add: channels, vars: { actions, actor: ctx.incident.openedBy, at: ctx.incident.openedAt } }),
  )
  return {
    ok: true,
    detail: `told ${channels.join(', ')} (queued; audience now ${ctx.incident.audience.join(', ')})`,
    data: { channels, audience: ctx.incident.audience },
  }
}
