import type { Command } from 'commander'
import { createToken, MAX_TOKEN_LIFETIME_MS } from '../../auth/tokens.js'
import { globals } from '../global-options.js'
import { localActor } from '../local-identity.js'
import { println } from '../output.js'
import { parseDurationOption } from '../parse-time.js'
import { withPlatform } from '../with-platform.js'

export async function tokenCreateAction(
  name: string,
  opts: { user: string; expires: string; role?: string },
  cmd: Command,
): Promise<number> {
  const g = globals(cmd)
  const expiresInMs = parseDurationOption('--expires', opts.expires, { min: 1, max: MAX_TOKEN_LIFETIME_MS })
  return withPlatform(g, async (p) => {
    const by = await localActor(g, p.config, p.state.db)
    const { token, info } = await createToken({ state: p.state, auth: p.config.auth }, by, {
      name,
      user: opts.user,
      expiresInMs,
      ...(opts.role !== undefined ? { role: opts.role } : {}),
    })
    // Printed as is, not through printJson's redaction: this is the one place the secret is meant to appear.
    if (g.json)
      println(
        JSON.stringify({ token, name: info.name, user: info.user, role: info.role, expires_at: info.expiresAt, id: info.id }, null, 2),
      )
    else {
      println(token)
      process.stderr.write(
        `token ${info.name} acts as ${info.user}${info.role ? ` within role ${info.role}` : ''} until ${info.expiresAt}; it is shown this once: store it now\n`,
      )
    }
    return 0
  })
}
