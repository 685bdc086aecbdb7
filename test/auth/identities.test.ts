import { afterEach, beforeAll, describe, expect, it } from 'vitest'
import { listAudit } from '../../src/audit/audit-log.js'
import { verifyAudit } from '../../src/audit/verify-audit.js'
import type { AuthContext } from '../../src/auth/auth-context.js'
import { permissionsOf } from '../../src/auth/can.js'
import { localIdentity } from '../../src/auth/identity.js'
import { verifyLogin } from '../../src/auth/login.js'
import { createSession, revokeSession, revokeUserSessions, validateSession } from '../../src/auth/sessions.js'
import { createToken, listTokens, revokeToken, verifyToken } from '../../src/auth/tokens.js'
import { addUser, disableUser, listUsers, setPassword } from '../../src/auth/users.js'
import { parseConfigText } from '../../src/config/parse-config-text.js'
import { UserError } from '../../src/core/errors.js'
import type { State } from '../../src/state/open-state.js'
import { MINIMAL } from '../config/temp-config.js'
import { assertPostgresReachable, engines, type StateFixture } from '../helpers/state-engines.js'
import { secretOf } from './token-secret.js'

beforeAll(assertPostgresReachable)

const MIN = 60_000
const auth = parseConfigText(MINIMAL, '/etc/lastgood/lastgood.yaml', {}).auth
const admin = localIdentity('root-admin', 'root')
const PASSWORD = 'correct horse battery staple'

for (const engine of engines) {
  describe(`identities on ${engine.name}`, () => {
    let fixture: StateFixture | undefined
    let state: State
    let t: number
    let ctx: AuthContext
    /** Every secret the test handled: none may reach the audit trail. */
    const secrets: string[] = []

    const setUp = async () => {
      fixture = await engine.fixture()
      state = await fixture.open()
      t = Date.parse('2026-03-01T08:00:00.000Z')
      ctx = { state, auth, now: () => new Date(t) }
      secrets.length = 0
      secrets.push(PASSWORD)
    }

    afterEach(async () => {
      if (fixture) {
        const rows = await state.db.selectFrom('audit_events').selectAll().execute()
        const text = JSON.stringify(rows)
        for (const s of secrets) expect(text).not.toContain(s)
        expect((await verifyAudit(state.db)).ok).toBe(true)
        await state.close()
        await fixture.cleanup()
        fixture = undefined
      }
    })

    it('adds users with argon2id hashes; a weak password, a taken name or an unknown role changes nothing', async () => {
      await setUp()
      const user = await addUser(ctx, admin, { name: 'nurse-lead', role: 'team-lead', password: PASSWORD })
      expect(user).toMatchObject({ name: 'nurse-lead', role: 'team-lead', createdBy: 'root-admin', disabledAt: null })
      expect(JSON.stringify(user)).not.toContain('argon2')
      const row = await state.db.selectFrom('users').selectAll().executeTakeFirstOrThrow()
      expect(row.password_hash).toMatch(/^\$argon2id\$v=19\$m=19456,t=2,p=1\$[A-Za-z0-9+/]{22}\$[A-Za-z0-9+/]{43}$/)
      const before = (await listAudit(state.db)).length
      const bad = [
        { name: 'viewer-1', role: 'viewer', password: 'short pass' },
        { name: 'viewer-1', role: 'viewer', password: 'viewer-1 is my password' },
        { name: 'nurse-lead', role: 'viewer', password: PASSWORD },
        { name: 'viewer-1', role: 'superuser', password: PASSWORD },
        { name: 'bad name', role: 'viewer', password: PASSWORD },
      ]
      const messages = []
      for (const input of bad) {
        const err = await addUser(ctx, admin, input).catch((e: unknown) => e)
        expect(err, input.name).toBeInstanceOf(UserError)
        messages.push((err as Error).message)
      }
      expect(messages[0]).toBe('the password is too short: use at least 12 characters (a passphrase of a few words will do)')
      expect(messages[3]).toContain('unknown role "superuser"; roles: viewer, operator')
      expect((await listUsers(state.db)).map((u) => u.name)).toEqual(['nurse-lead'])
      expect((await listAudit(state.db)).length).toBe(before)
      const [added] = await listAudit(state.db)
      expect(added).toMatchObject({ actor: 'root-admin', action: 'user.add', target: 'nurse-lead' })
      expect(added!.details).toEqual({ role: 'team-lead', auth: { method: 'local', subject: 'root-admin' }, via: 'local', os_user: 'root' })
    })

    it('locks an account at the 5th failure within 15 min, for 15 min, audited auth.locked', async () => {
      await setUp()
      await addUser(ctx, admin, { name: 'oncall-1', role: 'oncall', password: PASSWORD })
      // Failures further apart than 15 minutes do not add up.
      for (let i = 0; i < 4; i++) expect(await verifyLogin(ctx, 'oncall-1', 'hunter2-guess-one')).toEqual({ ok: false, reason: 'invalid' })
      t += 16 * MIN
      for (let i = 0; i < 4; i++) {
        expect(await verifyLogin(ctx, 'oncall-1', 'hunter2-guess-two')).toEqual({ ok: false, reason: 'invalid' })
        t += MIN
      }
      const locked = await verifyLogin(ctx, 'oncall-1', 'hunter2-guess-three')
      const until = new Date(t + 15 * MIN).toISOString()
      expect(locked).toEqual({ ok: false, reason: 'locked', until })
      t += 14 * MIN
      expect(await verifyLogin(ctx, 'oncall-1', PASSWORD)).toEqual({ ok: false, reason: 'locked', until })
      t += MIN
      const ok = await verifyLogin(ctx, 'oncall-1', PASSWORD)
      expect(ok).toEqual({ ok: true, identity: { subject: 'oncall-1', method: 'password', role: 'oncall' } })
      // Unknown names and wrong passwords answer alike.
      expect(await verifyLogin(ctx, 'nobody', PASSWORD)).toEqual({ ok: false, reason: 'invalid' })
      const events = await listAudit(state.db)
      expect(events.filter((e) => e.action === 'auth.locked')).toMatchObject([
        { actor: 'oncall-1', target: 'oncall-1', outcome: 'refused' },
      ])
      expect(events.filter((e) => e.action === 'auth.login').map((e) => e.outcome)).toEqual([
        ...Array(9).fill('failure'),
        'refused',
        'failure',
      ])
      expect(events.at(-1)).toMatchObject({ actor: 'unknown', target: 'unknown user' })
      secrets.push('hunter2-guess-one', 'hunter2-guess-two', 'hunter2-guess-three')
    })

    it('sessions end after 15 min idle and 12 h in all, at logout, and when the user is disabled', async () => {
      await setUp()
      await addUser(ctx, admin, { name: 'op', role: 'operator', password: PASSWORD })
      const login = await verifyLogin(ctx, 'op', PASSWORD)
      if (!login.ok) throw new Error('login failed')
      const idle = await createSession(ctx, login.identity)
      secrets.push(idle.id)
      expect(idle.id).toMatch(/^[A-Za-z0-9_-]{43}$/)
      t += 14 * MIN
      expect(await validateSession(ctx, idle.id)).toMatchObject({
        ok: true,
        identity: { subject: 'op', role: 'operator', method: 'password' },
      })
      t += 14 * MIN
      expect((await validateSession(ctx, idle.id)).ok).toBe(true)
      t += 15 * MIN
      expect(await validateSession(ctx, idle.id)).toEqual({ ok: false, reason: 'idle' })

      const busy = await createSession(ctx, login.identity)
      secrets.push(busy.id)
      const start = t
      while (t < start + 12 * 60 * MIN - 10 * MIN) {
        t += 10 * MIN
        expect((await validateSession(ctx, busy.id)).ok).toBe(true)
      }
      t = start + 12 * 60 * MIN
      expect(await validateSession(ctx, busy.id)).toEqual({ ok: false, reason: 'expired' })

      const out = await createSession(ctx, login.identity)
      secrets.push(out.id)
      expect(await revokeSession(ctx, login.identity, out.id)).toBe(true)
      expect(await validateSession(ctx, out.id)).toEqual({ ok: false, reason: 'revoked' })
      expect(await validateSession(ctx, 'not-a-session')).toEqual({ ok: false, reason: 'unknown' })

      const everywhere = [await createSession(ctx, login.identity), await createSession(ctx, login.identity)]
      secrets.push(...everywhere.map((x) => x.id))
      expect(await revokeUserSessions(ctx, login.identity, 'op', 'logged out everywhere')).toBe(2)
      for (const x of everywhere) expect(await validateSession(ctx, x.id)).toEqual({ ok: false, reason: 'revoked' })

      const a = await createSession(ctx, login.identity)
      const b = await createSession(ctx, login.identity)
      secrets.push(a.id, b.id)
      await disableUser(ctx, admin, 'op', 'left the clinic')
      expect(await validateSession(ctx, a.id)).toEqual({ ok: false, reason: 'revoked' })
      expect(await validateSession(ctx, b.id)).toEqual({ ok: false, reason: 'revoked' })
      expect(await verifyLogin(ctx, 'op', PASSWORD)).toEqual({ ok: false, reason: 'invalid' })
      const disable = (await listAudit(state.db)).find((e) => e.action === 'user.disable')
      expect(disable).toMatchObject({ reason: 'left the clinic', details: { sessions_revoked: 2 } })
      // A new password ends sessions too.
      await addUser(ctx, admin, { name: 'op2', role: 'operator', password: PASSWORD })
      const s = await createSession(ctx, { subject: 'op2', method: 'password', role: 'operator' })
      secrets.push(s.id, 'another long passphrase')
      await setPassword(ctx, admin, 'op2', 'another long passphrase')
      expect(await validateSession(ctx, s.id)).toEqual({ ok: false, reason: 'revoked' })
      expect((await verifyLogin(ctx, 'op2', 'another long passphrase')).ok).toBe(true)
    })

    it('tokens: shown once, hashed, with expiry, revocation, a role ceiling and their last use recorded once a minute', async () => {
      await setUp()
      await addUser(ctx, admin, { name: 'deployer', role: 'dba', password: PASSWORD })
      const { token, info } = await createToken(ctx, admin, {
        name: 'ci-deploy',
        user: 'deployer',
        role: 'operator',
        expiresInMs: 2 * 86_400_000,
      })
      secrets.push(token, secretOf(token))
      expect(token).toMatch(/^lgt_[0-9a-f]{16}_[A-Za-z0-9_-]{43}$/)
      expect(info).toMatchObject({
        name: 'ci-deploy',
        user: 'deployer',
        role: 'operator',
        state: 'active',
        expiresAt: '2026-03-03T08:00:00.000Z',
      })
      const row = await state.db.selectFrom('tokens').selectAll().executeTakeFirstOrThrow()
      expect(JSON.stringify(row)).not.toContain(secretOf(token))

      const used = await verifyToken(ctx, token)
      if (!used.ok) throw new Error(used.reason)
      expect(used.identity).toEqual({ subject: 'deployer', method: 'token', role: 'dba', tokenName: 'ci-deploy', ceiling: 'operator' })
      expect([...permissionsOf(used.identity, auth)].sort()).toEqual(['read', 'rollback', 'snapshot'])
      const lastUse = async () => (await listTokens(state.db))[0]!.lastUsedAt
      expect(await lastUse()).toBe('2026-03-01T08:00:00.000Z')
      t += 30_000
      expect((await verifyToken(ctx, token)).ok).toBe(true)
      expect(await lastUse()).toBe('2026-03-01T08:00:00.000Z')
      t += 31_000
      expect((await verifyToken(ctx, token)).ok).toBe(true)
      expect(await lastUse()).toBe('2026-03-01T08:01:01.000Z')

      const forged = token.slice(0, -4) + (token.endsWith('AAAA') ? 'BBBB' : 'AAAA')
      expect(await verifyToken(ctx, forged)).toEqual({ ok: false, reason: 'invalid' })
      expect(await verifyToken(ctx, 'lgt_nonsense')).toEqual({ ok: false, reason: 'invalid' })
      const err = await createToken(ctx, admin, { name: 'ci-deploy', user: 'deployer' }).catch((e: unknown) => e)
      expect((err as Error).message).toContain('a token named "ci-deploy" exists already')
      const unknownRole = await createToken(ctx, admin, { name: 'x', user: 'deployer', role: 'superuser' }).catch((e: unknown) => e)
      expect(unknownRole).toBeInstanceOf(UserError)
      expect((await listTokens(state.db)).map((x) => x.name)).toEqual(['ci-deploy'])

      t += 2 * 86_400_000
      expect(await verifyToken(ctx, token)).toEqual({ ok: false, reason: 'expired' })
      expect((await listTokens(state.db, { now: new Date(t) }))[0]!.state).toBe('expired')

      const second = await createToken(ctx, admin, { name: 'nightly', user: 'deployer' })
      const third = await createToken(ctx, admin, { name: 'backup', user: 'deployer' })
      secrets.push(second.token, third.token)
      expect(second.info.expiresAt).toBe(new Date(t + 90 * 86_400_000).toISOString())
      await revokeToken(ctx, admin, 'nightly', 'rotated')
      expect(await verifyToken(ctx, second.token)).toEqual({ ok: false, reason: 'revoked' })
      expect((await verifyToken(ctx, third.token)).ok).toBe(true)
      await disableUser(ctx, admin, 'deployer', 'left')
      expect(await verifyToken(ctx, third.token)).toEqual({ ok: false, reason: 'disabled' })
      expect((await listAudit(state.db)).map((e) => e.action)).toEqual([
        'user.add',
        'token.create',
        'token.create',
        'token.create',
        'token.revoke',
        'user.disable',
      ])
    })
  })
}
