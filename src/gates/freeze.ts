import { appendAuditIn } from '../audit/audit-log.js'
import { timeId } from '../core/clock.js'
import { UserError } from '../core/errors.js'
import { findApp, type Platform } from '../platform/platform.js'
import { ALL_APPS, type Freeze, freezesInForce, insertFreeze, liftFreezes } from './freeze-store.js'

interface Actor {
  actor: string
  reason: string
}

/** Freezes the deploys of one app, or of every app (`all`), until `until` (an ISO time to come). Audited. */
export async function freezeDeploys(p: Platform, app: string, until: string, by: Actor): Promise<Freeze> {
  checkTarget(p, app)
  const now = new Date()
  const freeze: Freeze = { id: timeId('fz', now), app, until, reason: by.reason, frozenBy: by.actor, frozenAt: now.toISOString() }
  await p.state.writeTransaction(async (tx) => {
    await insertFreeze(tx, freeze)
    await appendAuditIn(tx, {
      actor: by.actor,
      action: 'deploy.freeze',
      target: app,
      reason: by.reason,
      outcome: 'success',
      details: { freeze: freeze.id, until },
    })
  })
  return freeze
}

/**
 * Lifts the freezes in force of exactly this app (or of `all`), before they end. An app frozen only by a
 * freeze of every app is not lifted on its own: that freeze was someone's decision for the whole platform.
 */
export async function unfreezeDeploys(p: Platform, app: string, by: Actor): Promise<Freeze[]> {
  checkTarget(p, app)
  return p.state.writeTransaction(async (tx) => {
    const now = Date.now()
    const inForce = await freezesInForce(tx, now, app === ALL_APPS ? [] : [app])
    const own = inForce.filter((f) => f.app === app)
    if (own.length === 0) throw new UserError(notFrozen(app, inForce))
    await liftFreezes(
      tx,
      own.map((f) => f.id),
      { actor: by.actor, reason: by.reason, at: new Date(now).toISOString() },
    )
    await appendAuditIn(tx, {
      actor: by.actor,
      action: 'deploy.unfreeze',
      target: app,
      reason: by.reason,
      outcome: 'success',
      details: { freezes: own.map((f) => f.id) },
    })
    return own
  })
}

function checkTarget(p: Platform, app: string): void {
  if (app !== ALL_APPS) findApp(p.config, app)
}

function notFrozen(app: string, others: Freeze[]): string {
  const all = others.find((f) => f.app === ALL_APPS)
  if (all)
    return `${app} is frozen only by ${all.id}, a freeze of every app until ${all.until}; lift that one with \`lastgood unfreeze all --reason "<why>"\``
  return `${app} is not frozen; \`lastgood status\` lists the freezes in force`
}
