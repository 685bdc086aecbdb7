import type { Command } from 'commander'
import { lazyAction } from '../lazy-action.js'

export function registerReviews(program: Command): void {
  program
    .command('reviews')
    .description('reviews of break-glass grants and emergency runs that are still open (--all: closed ones too)')
    .option('--all', 'closed reviews too', false)
    .action(lazyAction(async () => (await import('./reviews-run.js')).reviewListAction))
  program
    .command('review')
    .description('reviews of emergency access')
    .command('close')
    .description('close a review with a note (needs the review permission; not the one who acted)')
    .argument('<id>', 'review id (`lastgood reviews`)')
    .option('--note <note>', 'what was checked and found (required)')
    .action(lazyAction(async () => (await import('./reviews-run.js')).reviewCloseAction))
}
