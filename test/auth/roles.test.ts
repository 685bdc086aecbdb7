import { describe, expect, it } from 'vitest'
import { can, permissionsOf } from '../../src/auth/can.js'
import type { Identity } from '../../src/auth/identity.js'
import { PERMISSIONS } from '../../src/auth/permissions.js'
import { ConfigError } from '../../src/config/config-error.js'
import { parseConfigText } from '../../src/config/parse-config-text.js'
import { MINIMAL } from '../config/temp-config.js'
import { ISSUE_ROLE_TABLE } from '../helpers/issue-role-table.js'

const parse = (text: string) => parseConfigText(text, '/etc/lastgood/lastgood.yaml', {})
const as = (role: string, ceiling?: string): Identity => ({ subject: 'x', method: 'password', role, ...(ceiling ? { ceiling } : {}) })

const ISSUE_TABLE = ISSUE_ROLE_TABLE

/** The role × permission matrix as a table people can read against the issue: x where allowed. */
function matrix(config: ReturnType<typeof parse>, roles: string[]): string {
  const lines = [['permission', ...roles].join(' | ')]
  for (const p of PERMISSIONS) lines.push([p, ...roles.map((r) => (can(as(r), p, config) ? 'x' : '.'))].join(' | '))
  return lines.join('\n')
}

describe('roles and permissions', () => {
  it('the built-in roles are the table of issue 13, exactly', () => {
    const config = parse(MINIMAL)
    const roles = Object.keys(ISSUE_TABLE)
    const printed = matrix(config, roles)
    console.log(printed)
    const expected = [['permission', ...roles].join(' | ')]
    for (const p of PERMISSIONS) expected.push([p, ...roles.map((r) => (ISSUE_TABLE[r]!.includes(p) ? 'x' : '.'))].join(' | '))
    expect(printed).toBe(expected.join('\n'))
    expect(Object.keys(config.auth.roles).sort()).toEqual(roles.sort())
    // Separation of duties: whoever manages accounts neither approves nor rolls back.
    expect([...permissionsOf(as('admin'), config.auth)].filter((p) => p.startsWith('approve:') || p.startsWith('rollback'))).toEqual([])
  })

  it('defaults: auth not configured, local command line full, 15 min idle, 12 h cap, 5 failures in 15 min lock 15 min', () => {
    const { auth } = parse(MINIMAL)
    expect(auth).toMatchObject({
      configured: false,
      localCli: 'full',
      session: { idleTimeoutMs: 900_000, absoluteTimeoutMs: 43_200_000 },
      lockout: { failures: 5, withinMs: 900_000, lockForMs: 900_000 },
    })
    expect(can({ subject: 'me', method: 'local', role: 'local' }, 'approve:data_corruption', { auth })).toBe(true)
  })

  it('custom roles inherit, built-ins take channels or are replaced, read-only local command line reads only', () => {
    const config = parse(`${MINIMAL}notifications:
  channels:
    dba-pager: { type: webhook, url: http://127.0.0.1:9/hook, secret: abcdefghijklmnop }
auth:
  local_cli: read-only
  session: { idle_timeout: 5m, absolute_timeout: 8h }
  roles:
    release-manager: { inherits: operator, permissions: [approve:partial_functionality_loss] }
    auditor: { permissions: [read, audit-export] }
    dba: { channels: [dba-pager] }
    viewer: { permissions: [read, snapshot] }
`)
    const { auth } = config
    expect(auth.configured).toBe(true)
    expect(auth.roles['release-manager']!.permissions).toEqual([
      'approve:partial_functionality_loss',
      'incident',
      'read',
      'rollback',
      'snapshot',
    ])
    expect(auth.roles.dba).toMatchObject({ channels: ['dba-pager'], builtIn: true })
    expect(auth.roles.dba!.permissions).toContain('approve:data_corruption')
    expect(auth.roles.viewer!.permissions).toEqual(['read', 'snapshot'])
    expect(can(as('auditor'), 'audit-export', config)).toBe(true)
    expect(can(as('auditor'), 'rollback', config)).toBe(false)
    expect(can(as('no-such-role'), 'read', config)).toBe(false)
    expect(can({ subject: 'me', method: 'local', role: 'local' }, 'read', config)).toBe(true)
    expect(can({ subject: 'me', method: 'local', role: 'local' }, 'snapshot', config)).toBe(false)
    expect(auth.session).toEqual({ idleTimeoutMs: 300_000, absoluteTimeoutMs: 28_800_000 })
  })

  it("a token's permissions are its user's role cut down to its ceiling", () => {
    const config = parse(MINIMAL)
    expect([...permissionsOf(as('team-lead', 'viewer'), config.auth)]).toEqual(['read'])
    expect([...permissionsOf(as('dba', 'operator'), config.auth)].sort()).toEqual(['read', 'rollback', 'snapshot'])
    expect(can(as('viewer', 'admin'), 'admin', config)).toBe(false)
  })

  it('bad auth configuration is exit 2 with the path named', () => {
    const cases: [string, string][] = [
      ['auth:\n  roles:\n    ops: { permissions: [read, approve:everything] }\n', 'auth.roles.ops.permissions[1]: expected a permission'],
      ['auth:\n  roles:\n    ops: { permissions: [reed] }\n', 'auth.roles.ops.permissions[0]: expected a permission'],
      ['auth:\n  roles:\n    ops: { inherits: opertor }\n', 'auth.roles.ops.inherits: expected the name of a role'],
      [
        'auth:\n  roles:\n    a: { inherits: b }\n    b: { inherits: a }\n',
        'auth.roles.a.inherits: expected a role that does not inherit back, got the cycle a → b → a',
      ],
      [
        'auth:\n  roles:\n    ops: { channels: [pager] }\n',
        'auth.roles.ops: expected permissions or inherits for the new role "ops", got neither',
      ],
      [
        'auth:\n  roles:\n    dba: { channels: [pagr] }\n',
        'auth.roles.dba.channels[0]: expected the name of a channel, but none is configured, got "pagr"',
      ],
      ['auth:\n  roles:\n    local: { permissions: [read] }\n', 'auth.roles.local: "local" is the local command line\'s role'],
      ['auth:\n  local_cli: readonly\n', 'auth.local_cli: expected full or read-only, got "readonly"'],
      ['auth:\n  lockout: { failures: 0 }\n', 'auth.lockout.failures: expected an integer >= 1, got 0'],
      ['auth:\n  sessions: {}\n', 'auth.sessions: unknown key, did you mean "session"?'],
    ]
    for (const [block, message] of cases) {
      let error: unknown
      try {
        parse(`${MINIMAL}${block}`)
      } catch (err) {
        error = err
      }
      expect(error, block).toBeInstanceOf(ConfigError)
      expect((error as ConfigError).exitCode).toBe(2)
      expect((error as ConfigError).message, block).toContain(message)
    }
  })
})
