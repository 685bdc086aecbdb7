import { createInterface } from 'node:readline/promises'
import type { Command } from 'commander'
import { UserError } from '../../core/errors.js'
import { selectApps } from '../../platform/platform.js'
import { planRollback } from '../../rollback/plan-rollback.js'
import { runRollback } from '../../rollback/run-rollback.js'
import { actorOf, globals, requireReason } from '../global-options.js'
import { printJson, println } from '../output.js'
import { renderPlan, renderReport } from '../render-rollback.js'
import { runAction, withPlatform } from '../run-action.js'

interface RollbackOptions {
  reason?: string
  to?: string
  component?: string[]
  dryRun: boolean
  yes: boolean
}

export function registerRollback(program: Command): void {
  program
    .command('rollback')
    .description('restore apps to their last known good snapshot (or --to one), in recovery-priority order')
    .argument('<apps...>', 'apps to roll back, or "all"')
    .option('--reason <reason>', 'why (required; recorded in the audit trail)')
    .option('--to <snapshot>', 'restore this snapshot instead of the last known good one (one app only)')
    .option('--component <name...>', 'restore only these components')
    .option('--dry-run', 'print the plan and what would change; change nothing', false)
    .option('--yes', 'do not ask for confirmation', false)
    .action((apps: string[], opts: RollbackOptions, cmd: Command) =>
      runAction(async () => {
        const g = globals(cmd)
        const actor = actorOf(g)
        const reason = requireReason(opts.reason, 'rollback')
        return withPlatform(g, async (p) => {
          const plan = await planRollback(p, {
            apps: selectApps(p.config, apps),
            ...(opts.to ? { to: opts.to } : {}),
            ...(opts.component ? { components: opts.component } : {}),
            signal: new AbortController().signal,
          })
          if (opts.dryRun) {
            if (g.json) printJson({ dryRun: true, plan: planJson(plan) })
            else println(`${renderPlan(plan)}\n\ndry run: nothing was changed`)
            return 0
          }
          if (!opts.yes && !g.json) {
            println(renderPlan(plan))
            if (!(await confirm('\nroll back now? [y/N] '))) throw new UserError('not confirmed; nothing was changed (pass --yes to skip the question)')
          } else if (!opts.yes) {
            throw new UserError('--json needs --yes: there is no one to ask for confirmation')
          }
          const report = await runRollback(p, plan, { reason, actor })
          if (g.json) printJson({ plan: planJson(plan), report })
          else println(renderReport(report))
          return report.status === 'succeeded' ? 0 : 1
        })
      }),
    )
}

function planJson(plan: Awaited<ReturnType<typeof planRollback>>) {
  return plan.apps.map((a) => ({
    app: a.app.name,
    priority: a.app.priority,
    target: a.target.id,
    components: a.components.map((c) => ({ name: c.component.name, provider: c.component.provider, from: c.current.version, to: c.manifest.version, changes: c.changes })),
  }))
}

async function confirm(question: string): Promise<boolean> {
  if (!process.stdin.isTTY) throw new UserError('no terminal to confirm on: pass --yes to roll back, or --dry-run to preview')
  const rl = createInterface({ input: process.stdin, output: process.stdout })
  try {
    return /^y(es)?$/i.test((await rl.question(question)).trim())
  } finally {
    rl.close()
  }
}
