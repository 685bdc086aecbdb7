import { UserError } from '../core/errors.js'
import type { StateDb } from '../state/open-state.js'
import type { UserTable } from '../state/schema.js'
import type { ResolvedAuth } from './auth-config.js'
import { type AuthContext, nowOf } from './auth-context.js'
import { auditAs } from './audit-as.js'
import type { Identity } from './identity.js'
import { checkPassword, hashPassword } from './passwords.js'
import { revokeSessionsIn } from './sessions.js'

/** A local account as shown: never its password hash. */
export interface User {
  name: string
  role: string
  createdAt: string
  createdBy: string
  passwordChangedAt: string | null
  lockedUntil: string | null
  disabledAt: string | null
  disabledBy: string | null
  disabledReason: string | null
}

/** User names are audit actors: the same characters as --as. */
const USER_NAME = /^[\w.@+-]{1,128}$/

export function checkUserName(name: string): void {
  if (!USER_NAME.test(name)) throw new UserError(`invalid user name "${name}": use 1 to 128 letters, digits and . _ @ + -`)
}

export function checkRole(auth: ResolvedAuth, role: string): void {
  if (auth.roles[role]) return
  throw new UserError(`unknown role "${role}"; roles: ${Object.keys(auth.roles).join(', ')} (custom roles go in auth.roles)`)
}

/** Creates an account. Refused (nothing written) for a taken name, an unknown role or a weak password. */
export async function addUser(ctx: AuthContext, by: Identity, input: { name: string; role: string; password: string }): Promise<User> {
  checkUserName(input.name)
  checkRole(ctx.auth, input.role)
  checkPassword(input.password, input.name)
  if (await findUserRow(ctx.state.db, input.name))
    throw new UserError(`user "${input.name}" exists already; \`lastgood user passwd ${input.name}\` sets a new password`)
  const hash = await hashPassword(input.password)
  const at = nowOf(ctx).toISOString()
  return ctx.state.writeTransaction(async (tx) => {
    if (await findUserRow(tx, input.name)) throw new UserError(`user "${input.name}" exists already`)
    const row: UserTable = {
      name: input.name,
      role: input.role,
      password_hash: hash,
      created_at: at,
      created_by: by.subject,
      password_changed_at: at,
      locked_until: null,
      disabled_at: null,
      disabled_by: null,
      disabled_reason: null,
    }
    await tx.insertInto('users').values(row).execute()
    await auditAs(tx, by, { action: 'user.add', target: input.name, outcome: 'success', details: { role: input.role } })
    return toUser(row)
  })
}

/** Disables an account for good: its sessions end now and its tokens stop working. */
export async function disableUser(ctx: AuthContext, by: Identity, name: string, reason: string): Promise<User> {
  const at = nowOf(ctx).toISOString()
  return ctx.state.writeTransaction(async (tx) => {
    const row = await requireActive(tx, name)
    await tx
      .updateTable('users')
      .set({ disabled_at: at, disabled_by: by.subject, disabled_reason: reason })
      .where('name', '=', name)
      .execute()
    const sessions = await revokeSessionsIn(tx, ctx, name)
    const tokens = await tx.selectFrom('tokens').select('name').where('user_name', '=', name).where('revoked_at', 'is', null).execute()
    await auditAs(tx, by, {
      action: 'user.disable',
      target: name,
      reason,
      outcome: 'success',
      details: { sessions_revoked: sessions, tokens_unusable: tokens.map((t) => t.name) },
    })
    return toUser({ ...row, disabled_at: at, disabled_by: by.subject, disabled_reason: reason })
  })
}

/** Sets a new password; the account's sessions end and its lockout is lifted. */
export async function setPassword(ctx: AuthContext, by: Identity, name: string, password: string): Promise<void> {
  await requireActive(ctx.state.db, name)
  checkPassword(password, name)
  const hash = await hashPassword(password)
  const at = nowOf(ctx).toISOString()
  await ctx.state.writeTransaction(async (tx) => {
    await requireActive(tx, name)
    await tx
      .updateTable('users')
      .set({ password_hash: hash, password_changed_at: at, locked_until: null })
      .where('name', '=', name)
      .execute()
    await tx.deleteFrom('login_failures').where('user_name', '=', name).execute()
    const sessions = await revokeSessionsIn(tx, ctx, name)
    await auditAs(tx, by, { action: 'user.passwd', target: name, outcome: 'success', details: { sessions_revoked: sessions } })
  })
}

export async function listUsers(db: StateDb): Promise<User[]> {
  return (await db.selectFrom('users').selectAll().orderBy('name').execute()).map(toUser)
}

export async function findUserRow(db: StateDb, name: string): Promise<UserTable | undefined> {
  return db.selectFrom('users').selectAll().where('name', '=', name).executeTakeFirst()
}

async function requireActive(db: StateDb, name: string): Promise<UserTable> {
  const row = await findUserRow(db, name)
  if (!row) throw new UserError(`no user "${name}"; \`lastgood user list\` shows them`)
  if (row.disabled_at)
    throw new UserError(`user "${name}" was disabled at ${row.disabled_at} by ${row.disabled_by}: a disabled account stays disabled`)
  return row
}

function toUser(r: UserTable): User {
  return {
    name: r.name,
    role: r.role,
    createdAt: r.created_at,
    createdBy: r.created_by,
    passwordChangedAt: r.password_changed_at,
    lockedUntil: r.locked_until,
    disabledAt: r.disabled_at,
    disabledBy: r.disabled_by,
    disabledReason: r.disabled_reason,
  }
}

/** Whether an enabled account holds `admin`: until one does, the first one may be created locally whatever auth.local_cli says. */
export async function hasActiveAdmin(db: StateDb, auth: ResolvedAuth): Promise<boolean> {
  const admins = Object.values(auth.roles)
    .filter((r) => r.permissions.includes('admin'))
    .map((r) => r.name)
  if (admins.length === 0) return false
  const row = await db
    .selectFrom('users')
    .select('name')
    .where('disabled_at', 'is', null)
    .where('role', 'in', admins)
    .limit(1)
    .executeTakeFirst()
  return row !== undefined
}
