import type { AttemptRecord } from '../notify/outbox.js'
import type { StateDb } from '../state/open-state.js'
import { recordTimeline } from './timeline.js'

/**
 * The outbox's onAttempt: every delivery attempt of a message about an incident goes on that incident's
 * timeline (notification.sent, or notification.failed with the error and the next attempt or the give-up),
 * in the transaction that records the attempt, so the post-mortem sees who was told when, and who was not.
 */
export async function recordAttemptOnTimeline(tx: StateDb, a: AttemptRecord): Promise<void> {
  const incident = a.message.incident?.id
  if (!incident) return
  const sent = a.outcome === 'sent'
  const then = a.outcome === 'retry' ? `; next attempt at ${a.nextAttemptAt}` : a.outcome === 'gave-up' ? '; gave up' : ''
  await recordTimeline(tx, incident, {
    kind: sent ? 'notification.sent' : 'notification.failed',
    actor: 'lastgood-notify',
    outcome: sent ? 'success' : 'failure',
    message: `${a.message.kind} ${sent ? 'sent to' : 'not delivered to'} ${a.channel} (attempt ${a.attempt}): ${a.delivery.detail}${then}`,
    data: {
      notification: a.message.id,
      kind: a.message.kind,
      channel: a.channel,
      attempt: a.attempt,
      outcome: a.outcome,
      ms: a.ms,
      ...(a.delivery.status !== undefined ? { status: a.delivery.status } : {}),
      ...(sent ? {} : { error: a.delivery.detail }),
      ...(a.nextAttemptAt ? { nextAttemptAt: a.nextAttemptAt } : {}),
    },
  })
}
