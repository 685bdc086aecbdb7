import { UserError } from '../../core/errors.js'
import { runShell } from '../../shell/run-shell.js'
import { describeCommand } from '../../shell/shell-messages.js'
import type { ProviderContext, VersionInfo } from '../provider.js'
import type { CommandComponent } from './command-component.js'

/** Trimmed stdout of `current`. Runs the user's command, which must not change anything. */
export async function readVersion(c: CommandComponent, ctx: ProviderContext): Promise<VersionInfo> {
  const version = (await runCommand(c, ctx, c.current)).toString('utf8').trim()
  if (version === '') {
    throw new UserError(`component ${c.name}: command ${describeCommand(c.current)} printed nothing; it must print the version on stdout`)
  }
  return { version }
}

/** One of the component's commands, in its cwd with its env, under its timeout and the context's signal. */
export function runCommand(
  c: CommandComponent,
  ctx: ProviderContext,
  command: string,
  extra: { stdin?: string; env?: Record<string, string> } = {},
): Promise<Buffer> {
  return runShell({
    component: c.name,
    command,
    cwd: c.cwd,
    env: { ...c.env, ...extra.env },
    timeoutMs: c.timeoutMs,
    signal: ctx.signal,
    ...(extra.stdin === undefined ? {} : { stdin: extra.stdin }),
  })
}
