import type { Command } from 'commander'
import { lazyAction } from '../lazy-action.js'

export function registerPreflight(program: Command): void {
  program
    .command('preflight')
    .description(
      'before a deploy: exit 0 when it may go ahead (a recent pre-deploy snapshot, taken healthy and verified; no open incident, running or unfinished rollback, rollback awaiting approval or freeze), 3 naming each check that failed and how to clear it',
    )
    .argument('<app>', 'the app about to be deployed')
    .option('--max-age <duration>', 'how old the pre-deploy snapshot may be (default 30m)')
    .option('--before-snapshot', 'every check but the snapshot: for the step before the pipeline takes it', false)
    .action(lazyAction(async () => (await import('./preflight-run.js')).preflightAction))
}
