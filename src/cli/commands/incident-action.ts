import type { Command } from 'commander'
import { lazyAction } from '../lazy-action.js'

export function registerIncidentAction(incident: Command): void {
  const action = incident
    .command('action')
    .description('post-mortem action items, tracked: who does what by when; overdue ones show in status and are told once')
  action
    .command('add')
    .description('track an action item of an incident (on its timeline and in its post-mortem)')
    .argument('<incident>', 'incident id (`lastgood incident list --all` shows them)')
    .argument('<text...>', 'what is to be done')
    .option('--owner <name>', 'who does it')
    .option('--due <when>', 'a date (due by the end of that day, UTC), a time such as 2026-12-31T17:00Z, or a duration from now such as 7d')
    .action(lazyAction(async () => (await import('./incident-action-run.js')).incidentActionAddAction))
  action
    .command('done')
    .description('mark an action item done')
    .argument('<id>', 'action item id (`lastgood incident action list` shows them)')
    .option('--note <text>', 'what was done')
    .action(lazyAction(async () => (await import('./incident-action-run.js')).incidentActionDoneAction))
  action
    .command('list')
    .description('open action items, of one incident or all (--all: done ones too; --overdue: only those past due)')
    .argument('[incident]', 'incident id')
    .option('--all', 'include done items', false)
    .option('--overdue', 'only open items past their due time, the longest overdue first', false)
    .action(lazyAction(async () => (await import('./incident-action-run.js')).incidentActionListAction))
}
