import type { Command } from 'commander'
import { lazyAction } from '../lazy-action.js'

export function registerWatch(program: Command): void {
  program
    .command('watch')
    .description(
      "after a deploy: capture the new state, watch it with the app's triggers, roll back if one fires, mark it known good when the soak passes (exit 0 only then)",
    )
    .argument('<app>', 'the app just deployed')
    .option('--for <duration>', 'soak duration, e.g. 10m (default: monitor.watch_for)')
    .action(lazyAction(async () => (await import('./watch-run.js')).watchAction))
}
