import type { Command } from 'commander'
import { checkRole, checkUserName } from '../../auth/users.js'
import { loadConfig } from '../../config/load-config.js'
import { userAddOperation } from '../../operations/users.js'
import { globals, serverOf } from '../global-options.js'
import { invoke } from '../invoke.js'
import { printJson, println } from '../output.js'
import { readNewPassword } from '../read-password.js'

export async function userAddAction(name: string, opts: { role: string; passwordStdin?: boolean }, cmd: Command): Promise<number> {
  const g = globals(cmd)
  // What can be wrong without a password is said before one is asked for (the roles are the server's to know).
  checkUserName(name)
  if (!serverOf(g)) checkRole((await loadConfig(g.config)).auth, opts.role)
  const password = await readNewPassword(opts, name)
  const { result, exitCode } = await invoke(g, userAddOperation, { name, role: opts.role, password })
  if (g.json) printJson(result)
  else println(`added ${result.user.name} (${result.user.role})`)
  return exitCode
}
