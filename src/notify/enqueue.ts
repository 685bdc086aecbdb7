import { randomUUID } from 'node:crypto'
import type { Severity, TemplateName } from '../config-parts/incident-vocabulary.js'
import type { ResolvedConfig } from '../config/types.js'
import { formatDuration } from '../config-parts/units.js'
import { redactDeep } from '../core/redact.js'
import type { StateDb } from '../state/open-state.js'
import type { Message } from '../channels/message.js'
import { renderTemplate, templateText } from './templates.js'

export interface NotifyRequest {
  kind: TemplateName
  /** Channel names; unknown names cannot occur (the config is checked), duplicates are sent once. */
  channels: string[]
  severity: Severity
  incident?: Message['incident']
  /** Template values; platform, at and update_interval are filled in here. */
  vars: Record<string, string>
  lifecycle?: Message['lifecycle']
  /** What the message is about when it is no incident (a schedule): receivers group its messages by it. */
  subject?: string
}

/**
 * Queues one message per channel in the outbox, inside the caller's write transaction: the message exists
 * once the action that caused it commits, and no channel is contacted here. Delivery (notify/outbox.ts) runs
 * beside the recovery, never in its way.
 */
export async function enqueueNotifications(tx: StateDb, config: ResolvedConfig, req: NotifyRequest): Promise<Message[]> {
  const at = new Date().toISOString()
  // The values may quote what came from outside (a command's error); the row and the message are durable.
  const vars: Record<string, string> = redactDeep({
    platform: config.platform,
    at,
    update_interval: config.notifications.statusUpdateMs > 0 ? formatDuration(config.notifications.statusUpdateMs) : 'on change',
    ...req.vars,
  })
  const text = renderTemplate(templateText(req.kind, config.notifications.templates), vars)
  const out: Message[] = []
  // The queuing order the outbox keeps per channel and dedup key; writers are serialised, so max + 1 is free.
  const last = await tx
    .selectFrom('notifications')
    .select((eb) => eb.fn.max('seq').as('seq'))
    .executeTakeFirst()
  let seq = Number(last?.seq ?? 0)
  for (const channel of [...new Set(req.channels)]) {
    const message: Message = {
      id: randomUUID(),
      kind: req.kind,
      platform: config.platform,
      title: text.split('\n', 1)[0]!,
      text,
      severity: req.severity,
      at,
      ...(req.incident ? { incident: req.incident } : {}),
      lifecycle: req.lifecycle ?? 'trigger',
      dedupKey: `lastgood/${config.platform}/${req.incident?.id ?? req.subject ?? req.kind}`,
      details: vars,
    }
    await tx
      .insertInto('notifications')
      .values({
        id: message.id,
        incident_id: req.incident?.id ?? null,
        channel,
        kind: req.kind,
        message: JSON.stringify(message),
        status: 'pending',
        attempts: 0,
        next_attempt_at: at,
        claimed_by: null,
        claimed_until: null,
        last_error: null,
        created_at: at,
        sent_at: null,
        seq: ++seq,
        dedup_key: message.dedupKey,
      })
      .execute()
    out.push(message)
  }
  return out
}
