import type { Command } from 'commander'
import { type AppStatus, appStatus } from '../../inspect/app-status.js'
import { selectApps } from '../../platform/platform.js'
import { globals } from '../global-options.js'
import { printJson, println, table } from '../output.js'
import { runAction, withPlatform } from '../run-action.js'

export function registerStatus(program: Command): void {
  program
    .command('status')
    .description('per app: what runs now, the last known good snapshot, the last rollback, health')
    .argument('[apps...]', 'apps to show (default: all)')
    .action((apps: string[], _opts: unknown, cmd: Command) =>
      runAction(async () => {
        const g = globals(cmd)
        return withPlatform(g, async (p) => {
          const statuses: AppStatus[] = []
          for (const app of selectApps(p.config, apps)) statuses.push(await appStatus(p, app))
          if (g.json) printJson({ platform: p.config.platform, apps: statuses })
          else println(render(p.config.platform, statuses))
          return 0
        })
      }),
    )
}

function render(platform: string, apps: AppStatus[]): string {
  const rows = apps.map((a) => [
    a.app,
    String(a.priority),
    a.components.map((c) => `${c.name}=${c.version ?? `? (${c.error})`}`).join(' '),
    a.lastKnownGood ? `${a.lastKnownGood.id}${a.runningKnownGood ? ' (running)' : ''}` : 'none',
    a.lastRollback ? `${a.lastRollback.id} ${a.lastRollback.status}` : '',
    a.health.state === 'failed' ? `FAILED (${a.health.probes.filter((x) => !x.ok).map((x) => x.error).join('; ')})` : a.health.state,
  ])
  return `platform ${platform}\n\n${table(['APP', 'PRIO', 'RUNNING', 'LAST KNOWN GOOD', 'LAST ROLLBACK', 'HEALTH'], rows)}`
}
