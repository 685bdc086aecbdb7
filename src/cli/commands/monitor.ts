import type { Command } from 'commander'
import { lazyAction } from '../lazy-action.js'

export function registerMonitor(program: Command): void {
  program
    .command('monitor')
    .description(
      'probe every app and evaluate its triggers continuously; roll back, alert or escalate as each trigger says (SIGINT/SIGTERM stop it cleanly)',
    )
    .argument('[apps...]', 'apps to monitor (default: all)')
    .option('--once', 'one round of every app, act on what it finds, then exit', false)
    .action(lazyAction(async () => (await import('./monitor-run.js')).monitorAction))
}
