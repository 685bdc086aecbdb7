import { appendAuditIn } from '../audit/audit-log.js'
import { type AuthContext, isoPlus, nowOf } from './auth-context.js'
import { auditAs } from './audit-as.js'
import type { Identity } from './identity.js'
import { verifyDecoy, verifyPassword } from './passwords.js'
import { findUserRow } from './users.js'

/**
 * A password login. `invalid` covers an unknown name, a wrong password and a disabled account alike (the
 * audit trail says which), so the answer does not tell which names exist; `locked` is distinct so the server
 * can answer 429 with the time the lock ends.
 */
export type LoginCheck =
  { ok: true; identity: Identity } | { ok: false; reason: 'invalid' } | { ok: false; reason: 'locked'; until: string }

/**
 * Checks a name and password. auth.lockout.failures failures within auth.lockout.within lock the account
 * for auth.lockout.lock_for (audited `auth.locked`; the failure that locks it already answers `locked`);
 * while locked, no password is even checked. Every failure is audited `auth.login` with outcome failure or
 * refused, never with the password. A success clears the failures; its session (createSession) audits it.
 */
export async function verifyLogin(ctx: AuthContext, name: string, password: string): Promise<LoginCheck> {
  const now = nowOf(ctx)
  const at = now.toISOString()
  const user = await findUserRow(ctx.state.db, name)
  if (!user?.password_hash || user.disabled_at) {
    if (!user) await verifyDecoy(password)
    await ctx.state.writeTransaction((tx) =>
      appendAuditIn(tx, {
        actor: user ? name : 'unknown',
        action: 'auth.login',
        // A name nobody has may be a password typed in the wrong field: it is not recorded.
        target: user ? name : 'unknown user',
        outcome: 'failure',
        details: { auth: { method: 'password' }, why: user ? (user.disabled_at ? 'disabled' : 'no password') : 'unknown user' },
      }),
    )
    return { ok: false, reason: 'invalid' }
  }
  const who: Identity = { subject: name, method: 'password', role: user.role }
  if (user.locked_until && user.locked_until > at) {
    await ctx.state.writeTransaction((tx) =>
      auditAs(tx, who, {
        action: 'auth.login',
        target: name,
        outcome: 'refused',
        details: { why: 'locked', locked_until: user.locked_until },
      }),
    )
    return { ok: false, reason: 'locked', until: user.locked_until }
  }
  if (await verifyPassword(user.password_hash, password)) {
    await ctx.state.writeTransaction(async (tx) => {
      await tx.deleteFrom('login_failures').where('user_name', '=', name).execute()
      await tx.updateTable('users').set({ locked_until: null }).where('name', '=', name).where('locked_until', 'is not', null).execute()
    })
    return { ok: true, identity: who }
  }
  const { failures, withinMs, lockForMs } = ctx.auth.lockout
  return ctx.state.writeTransaction(async (tx): Promise<LoginCheck> => {
    const since = isoPlus(now, -withinMs)
    await tx.deleteFrom('login_failures').where('user_name', '=', name).where('at', '<=', since).execute()
    await tx.insertInto('login_failures').values({ user_name: name, at }).execute()
    const recent = await tx
      .selectFrom('login_failures')
      .select((e) => e.fn.countAll<number>().as('n'))
      .where('user_name', '=', name)
      .where('at', '>', since)
      .executeTakeFirstOrThrow()
    const count = Number(recent.n)
    await auditAs(tx, who, { action: 'auth.login', target: name, outcome: 'failure', details: { why: 'wrong password', failures: count } })
    if (count < failures) return { ok: false, reason: 'invalid' }
    const until = isoPlus(now, lockForMs)
    await tx.updateTable('users').set({ locked_until: until }).where('name', '=', name).execute()
    await tx.deleteFrom('login_failures').where('user_name', '=', name).execute()
    await auditAs(tx, who, {
      action: 'auth.locked',
      target: name,
      outcome: 'refused',
      details: { failures: count, within_ms: withinMs, locked_until: until },
    })
    return { ok: false, reason: 'locked', until }
  })
}
