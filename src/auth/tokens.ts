import { randomBytes } from 'node:crypto'
import { UserError } from '../core/errors.js'
import type { StateDb } from '../state/open-state.js'
import type { TokenTable } from '../state/schema.js'
import { type AuthContext, isoPlus, nowOf } from './auth-context.js'
import { auditAs } from './audit-as.js'
import { roleCeiling } from './can.js'
import type { Identity } from './identity.js'
import { randomSecret, sameDigest, sha256Hex } from './secret-hash.js'
import { checkRole, findUserRow } from './users.js'

/**
 * API tokens, for scripts and CI: `lgt_<id>_<secret>`, shown once when created and kept only as the
 * SHA-256 of the whole token. The id finds the row; the digest is compared in constant time. A token acts as
 * its user, with the permissions its user's role and its role ceiling both grant, until it expires, is
 * revoked, or its user is disabled.
 */

/** A token as listed: never its secret or hash. */
export interface TokenInfo {
  id: string
  name: string
  user: string
  /** Role ceiling; null: the user's role */
  role: string | null
  createdAt: string
  createdBy: string
  expiresAt: string
  lastUsedAt: string | null
  revokedAt: string | null
  revokedBy: string | null
  revokedReason: string | null
  state: 'active' | 'expired' | 'revoked'
}

export type TokenCheck =
  { ok: true; identity: Identity; token: TokenInfo } | { ok: false; reason: 'invalid' | 'expired' | 'revoked' | 'disabled' }

const TOKEN = /^lgt_([0-9a-f]{16})_([A-Za-z0-9_-]{43})$/
const TOKEN_NAME = /^[a-z0-9][a-z0-9._-]{0,63}$/
/** Last use is written at most this often, so a busy script does not write on every request. */
const USE_RECORDED_EVERY_MS = 60_000
export const DEFAULT_TOKEN_LIFETIME_MS = 90 * 86_400_000
export const MAX_TOKEN_LIFETIME_MS = 366 * 86_400_000

/** Creates a token and returns it: the only time its secret exists outside the caller's hands. */
export async function createToken(
  ctx: AuthContext,
  by: Identity,
  input: { name: string; user: string; expiresInMs?: number; role?: string },
): Promise<{ token: string; info: TokenInfo }> {
  if (!TOKEN_NAME.test(input.name))
    throw new UserError(`invalid token name "${input.name}": use up to 64 lowercase letters, digits and . _ - (such as ci-deploy)`)
  const lifetime = input.expiresInMs ?? DEFAULT_TOKEN_LIFETIME_MS
  if (!(lifetime > 0 && lifetime <= MAX_TOKEN_LIFETIME_MS))
    throw new UserError('a token expires after more than 0s and at most 366d: pass --expires such as 90d')
  if (input.role !== undefined) checkRole(ctx.auth, input.role)
  const id = randomBytes(8).toString('hex')
  const token = `lgt_${id}_${randomSecret()}`
  const now = nowOf(ctx)
  return ctx.state.writeTransaction(async (tx) => {
    const user = await findUserRow(tx, input.user)
    if (!user) throw new UserError(`no user "${input.user}"; \`lastgood user add\` creates one`)
    if (user.disabled_at) throw new UserError(`user "${input.user}" is disabled: a token of theirs could not be used`)
    if (input.role !== undefined && roleCeiling(user.role, input.role, ctx.auth).size === 0) {
      throw new UserError(
        `role ceiling "${input.role}" shares no permission with ${input.user}'s role "${user.role}": the token could do nothing`,
      )
    }
    if (await tx.selectFrom('tokens').select('name').where('name', '=', input.name).executeTakeFirst()) {
      throw new UserError(
        `a token named "${input.name}" exists already (names are never reused, even after revocation): choose another name`,
      )
    }
    const row: TokenTable = {
      id,
      name: input.name,
      user_name: input.user,
      secret_hash: sha256Hex(token),
      role: input.role ?? null,
      created_at: now.toISOString(),
      created_by: by.subject,
      expires_at: isoPlus(now, lifetime),
      last_used_at: null,
      revoked_at: null,
      revoked_by: null,
      revoked_reason: null,
    }
    await tx.insertInto('tokens').values(row).execute()
    await auditAs(tx, by, {
      action: 'token.create',
      target: input.name,
      outcome: 'success',
      details: { user: input.user, role: row.role, expires_at: row.expires_at },
    })
    return { token, info: toInfo(row, now) }
  })
}

/** The identity a presented token stands for, or why none. Records its use at most once a minute. */
export async function verifyToken(ctx: AuthContext, presented: string): Promise<TokenCheck> {
  const m = TOKEN.exec(presented)
  if (!m) return { ok: false, reason: 'invalid' }
  const row = await ctx.state.db.selectFrom('tokens').selectAll().where('id', '=', m[1]!).executeTakeFirst()
  if (!row || !sameDigest(row.secret_hash, sha256Hex(presented))) return { ok: false, reason: 'invalid' }
  if (row.revoked_at) return { ok: false, reason: 'revoked' }
  const now = nowOf(ctx)
  if (now.toISOString() >= row.expires_at) return { ok: false, reason: 'expired' }
  const user = await findUserRow(ctx.state.db, row.user_name)
  if (!user || user.disabled_at) return { ok: false, reason: 'disabled' }
  if (!row.last_used_at || now.getTime() - Date.parse(row.last_used_at) >= USE_RECORDED_EVERY_MS) {
    row.last_used_at = now.toISOString()
    await ctx.state.db.updateTable('tokens').set({ last_used_at: row.last_used_at }).where('id', '=', row.id).execute()
  }
  const identity: Identity = {
    subject: row.user_name,
    method: 'token',
    role: user.role,
    tokenName: row.name,
    ...(row.role ? { ceiling: row.role } : {}),
  }
  return { ok: true, identity, token: toInfo(row, now) }
}

export async function revokeToken(ctx: AuthContext, by: Identity, name: string, reason: string): Promise<TokenInfo> {
  const now = nowOf(ctx)
  const at = now.toISOString()
  return ctx.state.writeTransaction(async (tx) => {
    const row = await tx.selectFrom('tokens').selectAll().where('name', '=', name).executeTakeFirst()
    if (!row) throw new UserError(`no token named "${name}"; \`lastgood token list\` shows them`)
    if (row.revoked_at) throw new UserError(`token "${name}" was revoked at ${row.revoked_at} by ${row.revoked_by}`)
    await tx
      .updateTable('tokens')
      .set({ revoked_at: at, revoked_by: by.subject, revoked_reason: reason })
      .where('id', '=', row.id)
      .execute()
    await auditAs(tx, by, { action: 'token.revoke', target: name, reason, outcome: 'success', details: { user: row.user_name } })
    return toInfo({ ...row, revoked_at: at, revoked_by: by.subject, revoked_reason: reason }, now)
  })
}

export async function listTokens(db: StateDb, opts: { user?: string; now?: Date } = {}): Promise<TokenInfo[]> {
  let q = db.selectFrom('tokens').selectAll().orderBy('name')
  if (opts.user !== undefined) q = q.where('user_name', '=', opts.user)
  const now = opts.now ?? new Date()
  return (await q.execute()).map((r) => toInfo(r, now))
}

function toInfo(r: TokenTable, now: Date): TokenInfo {
  return {
    id: r.id,
    name: r.name,
    user: r.user_name,
    role: r.role,
    createdAt: r.created_at,
    createdBy: r.created_by,
    expiresAt: r.expires_at,
    lastUsedAt: r.last_used_at,
    revokedAt: r.revoked_at,
    revokedBy: r.revoked_by,
    revokedReason: r.revoked_reason,
    state: r.revoked_at ? 'revoked' : now.toISOString() >= r.expires_at ? 'expired' : 'active',
  }
}
