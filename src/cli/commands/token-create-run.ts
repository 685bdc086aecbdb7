import type { Command } from 'commander'
import { TOKEN_LIFETIME, tokenCreateOperation } from '../../operations/tokens.js'
import { globals } from '../global-options.js'
import { invoke } from '../invoke.js'
import { println } from '../output.js'
import { parseDurationOption } from '../parse-time.js'

export async function tokenCreateAction(
  name: string,
  opts: { user: string; expires: string; role?: string },
  cmd: Command,
): Promise<number> {
  const g = globals(cmd)
  // Checked here too, so the message names the option as typed.
  parseDurationOption('--expires', opts.expires, TOKEN_LIFETIME)
  const { result, exitCode } = await invoke(g, tokenCreateOperation, {
    name,
    user: opts.user,
    expires: opts.expires,
    ...(opts.role !== undefined ? { role: opts.role } : {}),
  })
  // Printed as is, not through printJson's redaction: this is the one place the secret is meant to appear.
  if (g.json) println(JSON.stringify(result, null, 2))
  else {
    println(result.token)
    process.stderr.write(
      `token ${result.name} acts as ${result.user}${result.role ? ` within role ${result.role}` : ''} until ${result.expires_at}; it is shown this once: store it now\n`,
    )
  }
  return exitCode
}
