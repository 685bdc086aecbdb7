import type { Command } from 'commander'
import { validateOperation } from '../../operations/inspect.js'
import { globals } from '../global-options.js'
import { invoke } from '../invoke.js'
import { printJson, println, table } from '../output.js'

export async function validateAction(apps: string[], _opts: unknown, cmd: Command): Promise<number> {
  const g = globals(cmd)
  const { result: report, exitCode } = await invoke(g, validateOperation, { app: apps })
  if (g.json) printJson(report)
  else {
    println(
      table(
        ['AREA', 'TARGET', 'RESULT', 'DETAIL'],
        report.checks.map((c) => [c.area, c.target, c.outcome.toUpperCase(), c.message]),
      ),
    )
    println(report.ok ? '\nintegrity: OK' : '\nintegrity: FAILED')
  }
  return exitCode
}
