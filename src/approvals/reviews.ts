import { appendAuditIn } from '../audit/audit-log.js'
import { auditAs } from '../auth/audit-as.js'
import { can } from '../auth/can.js'
import type { Identity } from '../auth/identity.js'
import { timeId } from '../core/clock.js'
import { UserError } from '../core/errors.js'
import type { Platform } from '../platform/platform.js'
import type { StateDb } from '../state/open-state.js'
import type { ReviewTable } from '../state/schema.js'
import { type ApprovalClock, isoAt, nowMs } from './approval-clock.js'
import { refusable, refuseIn } from './refusal.js'

/** What emergency access, or an emergency run, leaves for someone else to look at afterwards. */
export interface Review {
  id: string
  /** `break-glass`: a grant was opened; `emergency`: a run of the matrix's flagged (emergency) row. */
  kind: 'break-glass' | 'emergency'
  /** The grant or the run reviewed. */
  subject: string
  actor: string
  apps: string[]
  reason: string
  openedAt: string
  closedAt: string | null
  closedBy: string | null
  note: string | null
}

/** Opens a review in the caller's transaction, audited as `review.opened` by whoever acted (`actor`). */
export async function openReviewIn(
  tx: StateDb,
  r: Pick<Review, 'kind' | 'subject' | 'actor' | 'apps' | 'reason'>,
  now: number,
): Promise<Review> {
  const row: ReviewTable = {
    id: timeId('rv', new Date(now)),
    kind: r.kind,
    subject: r.subject,
    actor: r.actor,
    apps: JSON.stringify(r.apps),
    reason: r.reason,
    opened_at: isoAt(now),
    closed_at: null,
    closed_by: null,
    note: null,
  }
  await tx.insertInto('reviews').values(row).execute()
  await appendAuditIn(tx, {
    actor: r.actor,
    action: 'review.opened',
    target: r.apps.join(','),
    reason: r.reason,
    outcome: 'success',
    details: {
      review: row.id,
      kind: r.kind,
      subject: r.subject,
      ...(r.kind === 'break-glass' ? { breakGlass: true, grant: r.subject } : {}),
    },
  })
  return toReview(row)
}

/** Open reviews (all: closed ones too), oldest first. */
export async function listReviews(db: StateDb, opts: { all?: boolean } = {}): Promise<Review[]> {
  let q = db.selectFrom('reviews').selectAll().orderBy('opened_at').orderBy('id')
  if (!opts.all) q = q.where('closed_at', 'is', null)
  return (await q.execute()).map(toReview)
}

/**
 * Closes a review with a note. Only a holder of `review` who is not the one whose action it reviews may; any
 * other attempt, or one on a closed review, is refused and audited. A blank note is bad input (exit 2).
 */
export async function closeReview(p: Platform, identity: Identity, id: string, note: string, clock?: ApprovalClock): Promise<Review> {
  const text = note.trim()
  if (!text) throw new UserError('review close needs --note "what was checked and found": it is the review\'s record')
  return refusable(p.state, async (tx) => {
    const row = await tx.selectFrom('reviews').selectAll().where('id', '=', id).executeTakeFirst()
    if (!row) throw new UserError(`no review "${id}"; \`lastgood reviews --all\` lists them`)
    const refuse = (why: string, message: string) =>
      refuseIn(tx, identity, { family: 'review', target: id, why, message, details: { review: id } })
    if (row.closed_at) return refuse('closed', `review ${id} was closed by ${row.closed_by} at ${row.closed_at}`)
    if (!can(identity, 'review', p.config)) return refuse('permission', `${identity.subject} lacks the permission "review"`)
    if (identity.subject === row.actor)
      return refuse('own-action', `${identity.subject} acted under review ${id} and cannot close it: another holder of "review" must`)
    const at = isoAt(nowMs(clock))
    await tx.updateTable('reviews').set({ closed_at: at, closed_by: identity.subject, note: text }).where('id', '=', id).execute()
    await auditAs(tx, identity, {
      action: 'review.closed',
      target: (JSON.parse(row.apps) as string[]).join(','),
      reason: text,
      outcome: 'success',
      details: { review: id, kind: row.kind, subject: row.subject, actor: row.actor },
    })
    return toReview({ ...row, closed_at: at, closed_by: identity.subject, note: text })
  })
}

function toReview(r: ReviewTable): Review {
  return {
    id: r.id,
    kind: r.kind as Review['kind'],
    subject: r.subject,
    actor: r.actor,
    apps: JSON.parse(r.apps) as string[],
    reason: r.reason,
    openedAt: r.opened_at,
    closedAt: r.closed_at,
    closedBy: r.closed_by,
    note: r.note,
  }
}
