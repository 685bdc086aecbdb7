import type { Command } from 'commander'
import { setPassword } from '../../auth/users.js'
import { globals } from '../global-options.js'
import { localActor } from '../local-identity.js'
import { printJson, println } from '../output.js'
import { readNewPassword } from '../read-password.js'
import { withPlatform } from '../with-platform.js'

export async function userPasswdAction(name: string, opts: { passwordStdin?: boolean }, cmd: Command): Promise<number> {
  const g = globals(cmd)
  const password = await readNewPassword(opts, name)
  return withPlatform(g, async (p) => {
    const by = await localActor(g, p.config, p.state.db)
    await setPassword({ state: p.state, auth: p.config.auth }, by, name, password)
    if (g.json) printJson({ user: name, passwordChanged: true })
    else println(`new password set for ${name}; their sessions ended`)
    return 0
  })
}
