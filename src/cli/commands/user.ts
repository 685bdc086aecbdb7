import type { Command } from 'commander'
import { registerUserAdd } from './user-add.js'
import { registerUserDisable } from './user-disable.js'
import { registerUserPasswd } from './user-passwd.js'
import { registerUserList } from './user-list.js'

/** Local accounts: people log in to the API with them (docs/access.md). */
export function registerUser(program: Command): void {
  const user = program.command('user').description('local accounts of the API: add, disable, set a password, list (docs/access.md)')
  registerUserAdd(user)
  registerUserDisable(user)
  registerUserPasswd(user)
  registerUserList(user)
}
