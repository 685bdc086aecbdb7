import type { AuditEvent } from '../audit/audit-event.js'
import { fromRow } from '../audit/audit-log.js'
import type { StateDb } from '../state/open-state.js'

/** Read per poll at most: a backlog is caught up over several ticks. */
const PAGE = 200

/**
 * The recovery actions any process records from now on (incident timelines, continuity plans), read back
 * from the audit chain in order: what a long-running process shows its operator beside its own events. Only
 * delivery successes are left out; a failed delivery is worth seeing.
 */
export class RecoveryFeed {
  private last: number | undefined

  constructor(private readonly db: StateDb) {}

  /** Only what is recorded after this call is fed. */
  async start(): Promise<void> {
    const head = await this.db.selectFrom('audit_events').select('seq').orderBy('seq', 'desc').limit(1).executeTakeFirst()
    this.last = Number(head?.seq ?? 0)
  }

  async poll(): Promise<AuditEvent[]> {
    if (this.last === undefined) return []
    const rows = await this.db
      .selectFrom('audit_events')
      .selectAll()
      .where('seq', '>', this.last)
      .orderBy('seq', 'asc')
      .limit(PAGE)
      .execute()
    if (rows.length > 0) this.last = Number(rows.at(-1)!.seq)
    return rows
      .map(fromRow)
      .filter((e) => (e.action.startsWith('incident.') || e.action.startsWith('continuity.')) && e.action !== 'incident.notification.sent')
  }
}
