import { Outbox } from '../notify/outbox.js'
import type { Platform } from '../platform/platform.js'
import { applyDueEscalations } from './escalation.js'
import { recordAttemptOnTimeline } from './outbox-timeline.js'

/** A short command waits this long at most for its messages; the rest is the monitor's to deliver. */
const MAX_WAIT_MS = 5_000
/** Past one attempt's timeout: time to record its outcome. */
const RECORD_MARGIN_MS = 500
/** Poll of the outbox while the command runs. */
const BESIDE_POLL_MS = 100
/** Less than this left: no drain (an attempt cut off at once would only use up a retry). */
const MIN_DRAIN_MS = 100

/**
 * The frame of a short incident command (declare, escalate, note, resolve). Levels that came due while no
 * monitor ran are applied too: after the command, or, for a command that must act on the incident as it
 * should be now (escalate: the next level after the one time has reached), before it, once `precheck` has
 * refused bad input; either way a command refused for its input changes nothing. Then the command,
 * with the outbox delivering beside it (a runbook never waits for a message, and the declaration message
 * goes out while the runbook runs); then what is still queued is delivered for at most a few seconds, and
 * never longer than one delivery timeout plus a margin in all: a dead channel costs a command that long,
 * never more. What is left stays queued for the next outbox (`lastgood monitor`). Returns what the command
 * returned and how many messages are still pending.
 */
export async function incidentCommand<T>(
  p: Platform,
  actor: string,
  fn: () => Promise<T>,
  opts: { precheck?: () => Promise<void> } = {},
): Promise<{ result: T; pending: number }> {
  if (opts.precheck) {
    await opts.precheck()
    await applyDueEscalations(p, { actor })
  }
  const outbox = new Outbox({ state: p.state, config: p.config, onAttempt: recordAttemptOnTimeline, log: p.log })
  outbox.start(BESIDE_POLL_MS)
  let result: T
  try {
    result = await fn()
    if (!opts.precheck) await applyDueEscalations(p, { actor })
  } catch (err) {
    await outbox.stop()
    throw err
  }
  // stop() waits for attempts in flight, each bounded by the delivery timeout: that counts against the budget.
  const finished = performance.now()
  await outbox.stop()
  const rest = budgetMs(p) - (performance.now() - finished)
  const pending = rest > MIN_DRAIN_MS ? await outbox.drain(rest) : await countPending(p)
  return { result, pending }
}

async function countPending(p: Platform): Promise<number> {
  const r = await p.state.db
    .selectFrom('notifications')
    .select((eb) => eb.fn.countAll().as('n'))
    .where('status', '=', 'pending')
    .executeTakeFirstOrThrow()
  return Number(r.n)
}

/** The same last delivery, for a command that queued messages without incidentCommand (`monitor --once`). */
export async function deliverBeforeExit(p: Platform): Promise<number> {
  const outbox = new Outbox({ state: p.state, config: p.config, onAttempt: recordAttemptOnTimeline, log: p.log })
  return outbox.drain(budgetMs(p))
}

function budgetMs(p: Platform): number {
  return Math.min(MAX_WAIT_MS, p.config.notifications.timeoutMs + RECORD_MARGIN_MS)
}
