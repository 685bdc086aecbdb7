import type { ResolvedNotifications } from '../config/types.js'
import type { Delivery, Message } from '../channels/message.js'

/** One delivery attempt, as the outbox recorded it (and hands to onAttempt, in the same transaction). */
export interface AttemptRecord {
  message: Message
  /** The channel's name in the configuration. */
  channel: string
  /** 1 for the first attempt. */
  attempt: number
  delivery: Delivery
  /** How long the attempt took; 0 when nothing was sent (the channel is gone, no attempts were left). */
  ms: number
  /** sent; retry (pending again, at nextAttemptAt); gave-up (status failed: not retryable, or no attempts left). */
  outcome: 'sent' | 'retry' | 'gave-up'
  /** ISO-8601; with outcome retry. */
  nextAttemptAt?: string
}

/**
 * What a delivery means for its row: sent, another attempt after the backoff, or given up. The wait before
 * attempt n+1 is backoff·2^(n-1), at most maxBackoff; after `attempts` attempts the message is given up.
 */
export function outcomeOf(
  delivery: Delivery,
  attempt: number,
  retry: ResolvedNotifications['retry'],
  nowMs: number,
): Pick<AttemptRecord, 'outcome' | 'nextAttemptAt'> {
  if (delivery.ok) return { outcome: 'sent' }
  if (!delivery.retryable || attempt >= retry.attempts) return { outcome: 'gave-up' }
  return { outcome: 'retry', nextAttemptAt: new Date(nowMs + retryDelayMs(attempt, retry)).toISOString() }
}

export function retryDelayMs(attempt: number, retry: ResolvedNotifications['retry']): number {
  // 2^30 is past any maxBackoff; the cap keeps the power finite for absurd attempt counts.
  return Math.min(retry.backoffMs * 2 ** Math.min(attempt - 1, 30), retry.maxBackoffMs)
}
