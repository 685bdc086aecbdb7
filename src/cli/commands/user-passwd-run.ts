import type { Command } from 'commander'
import { userPasswdOperation } from '../../operations/users.js'
import { globals } from '../global-options.js'
import { invoke } from '../invoke.js'
import { printJson, println } from '../output.js'
import { readNewPassword } from '../read-password.js'

export async function userPasswdAction(name: string, opts: { passwordStdin?: boolean }, cmd: Command): Promise<number> {
  const g = globals(cmd)
  const password = await readNewPassword(opts, name)
  const { result, exitCode } = await invoke(g, userPasswdOperation, { name, password })
  if (g.json) printJson(result)
  else println(`new password set for ${name}; their sessions ended`)
  return exitCode
}
