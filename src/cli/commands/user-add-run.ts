import type { Command } from 'commander'
import { addUser, checkRole, checkUserName, hasActiveAdmin } from '../../auth/users.js'
import { loadConfig } from '../../config/load-config.js'
import { globals } from '../global-options.js'
import { localActor } from '../local-identity.js'
import { printJson, println } from '../output.js'
import { readNewPassword } from '../read-password.js'
import { withPlatform } from '../with-platform.js'

export async function userAddAction(name: string, opts: { role: string; passwordStdin?: boolean }, cmd: Command): Promise<number> {
  const g = globals(cmd)
  // What can be wrong without a password is said before one is asked for.
  checkUserName(name)
  checkRole((await loadConfig(g.config)).auth, opts.role)
  const password = await readNewPassword(opts, name)
  return withPlatform(g, async (p) => {
    // The first admin is created here, on the host, whatever auth.local_cli says: nobody could log in to create it.
    const by = await localActor(g, p.config, p.state.db, { bootstrap: async (db) => !(await hasActiveAdmin(db, p.config.auth)) })
    const user = await addUser({ state: p.state, auth: p.config.auth }, by, { name, role: opts.role, password })
    if (g.json) printJson({ user })
    else println(`added ${user.name} (${user.role})`)
    return 0
  })
}
