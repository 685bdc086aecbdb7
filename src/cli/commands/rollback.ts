import { type Command, Option } from 'commander'
import { SCENARIOS } from '../../config-parts/decision-vocabulary.js'
import { lazyAction } from '../lazy-action.js'

export function registerRollback(program: Command): void {
  program
    .command('rollback')
    .description(
      'restore apps to their last known good snapshot (or --to one), in recovery-priority order; or finish (--resume) or give up (--abandon) a run that did not finish',
    )
    .argument('[apps...]', 'apps to roll back, or "all"')
    .option('--reason <reason>', 'why (required; recorded in the audit trail)')
    .option(
      '--to <snapshot>',
      'restore this snapshot instead of the last known good one (one app), or a platform snapshot ps-… (each app to its member); ' +
        'the only way to restore a safety snapshot or a rejected release',
    )
    .option('--component <name...>', 'restore only these components')
    .option('--resume <run>', 'finish a run that did not finish, as it was planned, under the same run id')
    .option('--abandon <run>', 'give up a run that did not finish; its apps stay as it left them')
    .option('--pending <id>', 'run the rollback an alert trigger proposed (its app, target and reason)')
    .option('--dismiss <id>', 'dismiss the rollback an alert trigger proposed: nothing is restored, the proposal is closed')
    .addOption(
      new Option(
        '--scenario <scenario>',
        "the decision matrix's row for this rollback (default partial_functionality_loss; an alert's proposal: its trigger's); a plan that restores data is data_corruption",
      ).choices(SCENARIOS),
    )
    .option(
      '--break-glass',
      'emergency access: run now without the approval the decision matrix asks for, under a grant of 1 h over these apps (needs the break-glass permission and --reason; notifies security; opens a review)',
      false,
    )
    .option('--dry-run', 'print the plan and what would change; change nothing', false)
    .option('--yes', 'do not ask for confirmation', false)
    .action(lazyAction(async () => (await import('./rollback-run.js')).rollbackAction))
}
