import type { StateDb } from '../state/open-state.js'
import { type AuthContext, isoPlus, nowOf } from './auth-context.js'
import { auditAs } from './audit-as.js'
import type { Identity } from './identity.js'
import { randomSecret, sha256Hex } from './secret-hash.js'

/**
 * Login sessions, kept server-side (HIPAA automatic logoff): a session ends after auth.session.idle_timeout
 * unused, after auth.session.absolute_timeout whatever, at logout, and when its user is disabled or changes
 * password. The caller holds the id (a cookie); the state only its SHA-256, so a copy of the database opens no session.
 */

/** Use is recorded at most this often, so a busy page does not write on every request. */
const TOUCH_EVERY_MS = 60_000

export type SessionCheck =
  | { ok: true; identity: Identity; idleExpiresAt: string; expiresAt: string }
  | { ok: false; reason: 'unknown' | 'revoked' | 'idle' | 'expired' | 'disabled' }

/** Opens a session for an identity that just logged in (password or OIDC); returns its id, shown to nobody else. Audited as `auth.login`. */
export async function createSession(ctx: AuthContext, identity: Identity): Promise<{ id: string; expiresAt: string }> {
  const id = randomSecret()
  const now = nowOf(ctx)
  const at = now.toISOString()
  await ctx.state.writeTransaction(async (tx) => {
    await tx
      .insertInto('sessions')
      .values({
        id_hash: sha256Hex(id),
        user_name: identity.subject,
        method: identity.method,
        role: identity.role,
        created_at: at,
        last_seen_at: at,
        revoked_at: null,
      })
      .execute()
    await auditAs(tx, identity, { action: 'auth.login', target: identity.subject, outcome: 'success', details: { role: identity.role } })
  })
  return { id, expiresAt: isoPlus(now, ctx.auth.session.absoluteTimeoutMs) }
}

/**
 * The identity a session id stands for, or why it stands for none. A local account's current role counts,
 * not the one it logged in with. Records the use (at most once a minute), which moves the idle deadline.
 */
export async function validateSession(ctx: AuthContext, id: string): Promise<SessionCheck> {
  const hash = sha256Hex(id)
  const row = await ctx.state.db.selectFrom('sessions').selectAll().where('id_hash', '=', hash).executeTakeFirst()
  if (!row) return { ok: false, reason: 'unknown' }
  if (row.revoked_at) return { ok: false, reason: 'revoked' }
  const now = nowOf(ctx)
  const { idleTimeoutMs, absoluteTimeoutMs } = ctx.auth.session
  if (now.getTime() >= Date.parse(row.created_at) + absoluteTimeoutMs) return { ok: false, reason: 'expired' }
  if (now.getTime() >= Date.parse(row.last_seen_at) + idleTimeoutMs) return { ok: false, reason: 'idle' }
  const user = await ctx.state.db.selectFrom('users').select(['role', 'disabled_at']).where('name', '=', row.user_name).executeTakeFirst()
  if (user?.disabled_at) return { ok: false, reason: 'disabled' }
  let lastSeen = row.last_seen_at
  if (now.getTime() - Date.parse(row.last_seen_at) >= TOUCH_EVERY_MS) {
    lastSeen = now.toISOString()
    await ctx.state.db
      .updateTable('sessions')
      .set({ last_seen_at: lastSeen })
      .where('id_hash', '=', hash)
      .where('last_seen_at', '<', lastSeen)
      .execute()
  }
  const method = row.method === 'oidc' ? 'oidc' : 'password'
  const identity: Identity = { subject: row.user_name, method, role: method === 'password' && user ? user.role : row.role }
  return {
    ok: true,
    identity,
    idleExpiresAt: isoPlus(new Date(lastSeen), idleTimeoutMs),
    expiresAt: isoPlus(new Date(row.created_at), absoluteTimeoutMs),
  }
}

/** Logout: ends the session. Whether there was an open one to end; audited as `auth.logout` when there was. */
export async function revokeSession(ctx: AuthContext, by: Identity, id: string): Promise<boolean> {
  const at = nowOf(ctx).toISOString()
  return ctx.state.writeTransaction(async (tx) => {
    const r = await tx
      .updateTable('sessions')
      .set({ revoked_at: at })
      .where('id_hash', '=', sha256Hex(id))
      .where('revoked_at', 'is', null)
      .executeTakeFirst()
    if (Number(r.numUpdatedRows) === 0) return false
    await auditAs(tx, by, { action: 'auth.logout', target: by.subject, outcome: 'success' })
    return true
  })
}

/** Ends every open session of a user; audited as `auth.sessions.revoke` with how many. */
export async function revokeUserSessions(ctx: AuthContext, by: Identity, user: string, reason: string): Promise<number> {
  return ctx.state.writeTransaction(async (tx) => {
    const n = await revokeSessionsIn(tx, ctx, user)
    await auditAs(tx, by, { action: 'auth.sessions.revoke', target: user, reason, outcome: 'success', details: { sessions_revoked: n } })
    return n
  })
}

/**
 * The same inside a write transaction the caller holds (disabling a user, a new password): ends the user's
 * sessions that are still open (not timed out already) and says how many.
 */
export async function revokeSessionsIn(tx: StateDb, ctx: AuthContext, user: string): Promise<number> {
  const now = nowOf(ctx)
  const r = await tx
    .updateTable('sessions')
    .set({ revoked_at: now.toISOString() })
    .where('user_name', '=', user)
    .where('revoked_at', 'is', null)
    .where('last_seen_at', '>', isoPlus(now, -ctx.auth.session.idleTimeoutMs))
    .where('created_at', '>', isoPlus(now, -ctx.auth.session.absoluteTimeoutMs))
    .executeTakeFirst()
  return Number(r.numUpdatedRows)
}
