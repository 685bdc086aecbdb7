import type { Command } from 'commander'
import { validateIntegrity } from '../../inspect/validate-integrity.js'
import { selectApps } from '../../platform/platform.js'
import { globals } from '../global-options.js'
import { printJson, println, table } from '../output.js'
import { withPlatform } from '../with-platform.js'

export async function validateAction(apps: string[], _opts: unknown, cmd: Command): Promise<number> {
  const g = globals(cmd)
  return withPlatform(g, async (p) => {
    const report = await validateIntegrity(p, selectApps(p.config, apps))
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
    return report.ok ? 0 : 1
  })
}
