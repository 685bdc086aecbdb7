import { auditAs } from '../auth/audit-as.js'
import { can } from '../auth/can.js'
import type { Identity } from '../auth/identity.js'
import { timeId } from '../core/clock.js'
import { UserError } from '../core/errors.js'
import { enqueueNotifications } from '../notify/enqueue.js'
import type { Platform } from '../platform/platform.js'
import type { StateDb } from '../state/open-state.js'
import type { BreakGlassGrantTable } from '../state/schema.js'
import { type ApprovalClock, isoAt, nowMs } from './approval-clock.js'
import { breakGlassAudience } from './audiences.js'
import { refusable, refuseIn } from './refusal.js'
import { openReviewIn, type Review } from './reviews.js'

/** Emergency access lasts one hour; acting after that needs an approval again, or a new grant and review. */
export const GRANT_MS = 60 * 60_000

export interface Grant {
  id: string
  actor: string
  apps: string[]
  reason: string
  openedAt: string
  expiresAt: string
}

/**
 * Breaks the glass: a grant for (actor, apps) valid GRANT_MS, under which the actor's actions on those apps
 * run without approval, flagged. The security channel and everyone told about an open incident of the apps
 * hear of it, and a review opens that another holder of `review` must close. Without a reason (exit 2) or
 * without the `break-glass` permission (exit 3): refused and audited, no grant.
 */
export async function openGrant(
  p: Platform,
  identity: Identity,
  apps: string[],
  reason: string,
  clock?: ApprovalClock,
): Promise<{ grant: Grant; review: Review }> {
  const why = reason.trim()
  const target = apps.join(',')
  if (!why) return refuseWithoutReason(p, identity, apps)
  return refusable(p.state, async (tx) => {
    if (!can(identity, 'break-glass', p.config))
      return refuseIn(tx, identity, {
        family: 'break-glass',
        target,
        why: 'permission',
        reason: why,
        message: `${identity.subject} lacks the permission "break-glass"; ask for an approval instead (a rollback without --break-glass)`,
      })
    const now = nowMs(clock)
    const row: BreakGlassGrantTable = {
      id: timeId('bg', new Date(now)),
      actor: identity.subject,
      apps: JSON.stringify(apps),
      reason: why,
      opened_at: isoAt(now),
      expires_at: isoAt(now + GRANT_MS),
    }
    await tx.insertInto('break_glass_grants').values(row).execute()
    const review = await openReviewIn(tx, { kind: 'break-glass', subject: row.id, actor: identity.subject, apps, reason: why }, now)
    const channels = await breakGlassAudience(tx, p.config, apps)
    if (channels.length > 0)
      await enqueueNotifications(tx, p.config, {
        kind: 'break_glass',
        channels,
        severity: 'critical',
        vars: {
          approval: row.id,
          actor: identity.subject,
          reason: why,
          scope: apps.join(', '),
          expires: row.expires_at,
          command: `lastgood review close ${review.id} --note "<what was checked>"`,
        },
      })
    await auditAs(tx, identity, {
      action: 'break-glass.opened',
      target,
      reason: why,
      outcome: 'success',
      details: { grant: row.id, expiresAt: row.expires_at, review: review.id, channels, breakGlass: true },
    })
    return { grant: toGrant(row), review }
  })
}

/** Emergency access asked for without a reason: audited (`break-glass.refused`, no-reason), then bad input (exit 2). */
export async function refuseWithoutReason(p: Platform, identity: Identity, apps: string[]): Promise<never> {
  const message = 'break-glass needs --reason "why": emergency access is granted only with one, and reviewed against it'
  await p.state.writeTransaction((tx) =>
    refuseIn(tx, identity, { family: 'break-glass', target: apps.join(','), why: 'no-reason', message }),
  )
  throw new UserError(message)
}

/**
 * The actor's grants covering every one of `apps`: the newest open one, and (when none is open) the newest
 * that has run out, so acting after its hour can be told apart from never having broken the glass.
 */
export async function grantsCovering(db: StateDb, actor: string, apps: string[], now: number): Promise<{ open?: Grant; expired?: Grant }> {
  const rows = await db.selectFrom('break_glass_grants').selectAll().where('actor', '=', actor).orderBy('opened_at', 'desc').execute()
  const covering = rows.map(toGrant).filter((g) => apps.every((a) => g.apps.includes(a)))
  const open = covering.find((g) => Date.parse(g.expiresAt) > now)
  return open ? { open } : covering[0] ? { expired: covering[0] } : {}
}

function toGrant(r: BreakGlassGrantTable): Grant {
  return {
    id: r.id,
    actor: r.actor,
    apps: JSON.parse(r.apps) as string[],
    reason: r.reason,
    openedAt: r.opened_at,
    expiresAt: r.expires_at,
  }
}
