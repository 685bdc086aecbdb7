import { requireReason } from '../../core/errors.js'
import type { Command } from 'commander'
import { freezeOperation, unfreezeOperation } from '../../operations/deploy-gate.js'
import { globals } from '../global-options.js'
import { invoke } from '../invoke.js'
import { printJson, println } from '../output.js'

export async function freezeAction(app: string, opts: { until?: string; reason?: string }, cmd: Command): Promise<number> {
  const g = globals(cmd)
  const reason = requireReason(opts.reason, 'freeze')
  const { result, exitCode } = await invoke(g, freezeOperation, { app, until: opts.until, reason })
  const f = result.freeze
  if (g.json) printJson(result)
  else
    println(
      `${f.app === 'all' ? 'every app' : f.app} frozen until ${f.until} (${f.id}); lift it sooner with \`lastgood unfreeze ${f.app} --reason R\``,
    )
  return exitCode
}

export async function unfreezeAction(app: string, opts: { reason?: string }, cmd: Command): Promise<number> {
  const g = globals(cmd)
  const reason = requireReason(opts.reason, 'unfreeze')
  const { result, exitCode } = await invoke(g, unfreezeOperation, { app, reason })
  if (g.json) printJson(result)
  else println(`lifted ${result.lifted.map((f) => `${f.id} (until ${f.until})`).join(', ')}: ${app} may be deployed again`)
  return exitCode
}
