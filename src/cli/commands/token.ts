import type { Command } from 'commander'
import { registerTokenCreate } from './token-create.js'
import { registerTokenList } from './token-list.js'
import { registerTokenRevoke } from './token-revoke.js'

/** API tokens: scripts and CI use them (docs/access.md). */
export function registerToken(program: Command): void {
  const token = program.command('token').description('API tokens for scripts and CI: create (shown once), list, revoke (docs/access.md)')
  registerTokenCreate(token)
  registerTokenList(token)
  registerTokenRevoke(token)
}
