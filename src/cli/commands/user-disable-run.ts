import type { Command } from 'commander'
import { disableUser } from '../../auth/users.js'
import { globals, requireReason } from '../global-options.js'
import { localActor } from '../local-identity.js'
import { printJson, println } from '../output.js'
import { withPlatform } from '../with-platform.js'

export async function userDisableAction(name: string, opts: { reason?: string }, cmd: Command): Promise<number> {
  const g = globals(cmd)
  const reason = requireReason(opts.reason, 'user disable')
  return withPlatform(g, async (p) => {
    const by = await localActor(g, p.config, p.state.db)
    const user = await disableUser({ state: p.state, auth: p.config.auth }, by, name, reason)
    if (g.json) printJson({ user })
    else println(`disabled ${name}: their sessions ended and their tokens no longer work`)
    return 0
  })
}
