import { z } from 'zod'
import { checkPassword } from '../auth/passwords.js'
import { addUser, disableUser, hasActiveAdmin, listUsers, setPassword } from '../auth/users.js'
import { registerSecret } from '../core/redact.js'
import type { Platform } from '../platform/platform.js'
import { reasonInput } from './input-fields.js'
import { operation } from './operation.js'
import { whoActs } from './who-acts.js'

const userName = z.string().min(1).describe('User name (letters, digits and . _ @ + -).')
/** Sent only in a request body, never in a URL; never written to a log, an event or a reply. */
const password = z
  .string({ error: 'expected the password as a string' })
  .describe('The password: at least 12 characters, not containing the user name. Never logged or returned.')

/**
 * A password that came over HTTP is a secret of the server from now on, as one typed is of the command line
 * (cli/read-password.ts): one that fails the policy is refused first, unregistered, since it may be a plain
 * word that masking would garble every message with, and is stored nowhere.
 */
function acceptPassword(value: string, user: string): string {
  checkPassword(value, user)
  registerSecret(value)
  return value
}

/** What the account and token services work on, with the system clock. */
export const authOf = (p: Platform) => ({ state: p.state, auth: p.config.auth })

export const userAddOperation = operation({
  name: 'user.add',
  summary: 'Create a local account with a role and a password',
  method: 'POST',
  path: '/users',
  permission: 'admin',
  readOnly: false,
  // Until an enabled account holds admin, nobody could sign in to create one.
  bootstrap: async (p) => !(await hasActiveAdmin(p.state.db, p.config.auth)),
  input: z.object({
    name: userName,
    role: z.string().min(1).describe('A role of auth.roles.'),
    password,
  }),
  async run(p, input, ctx) {
    const user = await addUser(authOf(p), whoActs(ctx), { ...input, password: acceptPassword(input.password, input.name) })
    return { result: { user }, exitCode: 0 }
  },
})

export const userDisableOperation = operation({
  name: 'user.disable',
  summary: 'Disable an account for good: its sessions end and its tokens stop working',
  method: 'POST',
  path: '/users/:name/disable',
  permission: 'admin',
  readOnly: false,
  input: z.object({ name: userName, reason: reasonInput('user disable') }),
  async run(p, input, ctx) {
    return { result: { user: await disableUser(authOf(p), whoActs(ctx), input.name, input.reason) }, exitCode: 0 }
  },
})

export const userPasswdOperation = operation({
  name: 'user.passwd',
  summary: "Set an account's password; its sessions end and a lockout is lifted",
  method: 'POST',
  path: '/users/:name/password',
  permission: 'admin',
  readOnly: false,
  input: z.object({ name: userName, password }),
  async run(p, input, ctx) {
    await setPassword(authOf(p), whoActs(ctx), input.name, acceptPassword(input.password, input.name))
    return { result: { user: input.name, passwordChanged: true as const }, exitCode: 0 }
  },
})

export const userListOperation = operation({
  name: 'user.list',
  summary: 'Every account with its role and state (never a password hash)',
  method: 'GET',
  path: '/users',
  permission: 'admin',
  readOnly: true,
  input: z.object({}),
  async run(p) {
    return { result: { users: await listUsers(p.state.db) }, exitCode: 0 }
  },
})
