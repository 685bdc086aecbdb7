import type { Command } from 'commander'
import { incidentActionAddOperation, incidentActionDoneOperation, incidentActionListOperation } from '../../operations/incident-actions.js'
import type { ActionItem } from '../../recovery/action-items.js'
import { globals } from '../global-options.js'
import { invoke } from '../invoke.js'
import { printJson, println, table } from '../output.js'

export async function incidentActionAddAction(
  incident: string,
  words: string[],
  opts: { owner?: string; due?: string },
  cmd: Command,
): Promise<number> {
  const g = globals(cmd)
  const { result, exitCode } = await invoke(g, incidentActionAddOperation, {
    id: incident,
    text: words.join(' '),
    owner: opts.owner ?? '',
    due: opts.due ?? '',
  })
  if (g.json) printJson(result)
  else println(`action item ${result.item.id} on ${incident}: ${result.item.owner}, due ${result.item.dueAt}`)
  return exitCode
}

export async function incidentActionDoneAction(id: string, opts: { note?: string }, cmd: Command): Promise<number> {
  const g = globals(cmd)
  const { result, exitCode } = await invoke(g, incidentActionDoneOperation, { id, note: opts.note })
  if (g.json) printJson(result)
  else println(`action item ${id} done at ${result.item.doneAt}${late(result.item) ? ` (it was due ${result.item.dueAt})` : ''}`)
  return exitCode
}

export async function incidentActionListAction(
  incident: string | undefined,
  opts: { all: boolean; overdue: boolean },
  cmd: Command,
): Promise<number> {
  const g = globals(cmd)
  const { result, exitCode } = await invoke(g, incidentActionListOperation, { incident, all: opts.all, overdue: opts.overdue })
  if (g.json) printJson(result)
  else if (result.items.length === 0)
    println(opts.overdue ? 'no overdue action items' : opts.all ? 'no action items' : 'no open action items (--all shows done ones)')
  else println(render(result.items))
  return exitCode
}

function late(item: ActionItem): boolean {
  return item.doneAt !== null && item.doneAt > item.dueAt
}

function render(items: ActionItem[]): string {
  return table(
    ['ID', 'INCIDENT', 'OWNER', 'DUE', 'STATUS', 'ACTION'],
    items.map((i) => [i.id, i.incident, i.owner, minute(i.dueAt), i.status === 'done' ? `done ${minute(i.doneAt!)}` : i.status, i.text]),
  )
}

/** Due times are days and hours apart: seconds only clutter the table. */
function minute(iso: string): string {
  return `${iso.replace('T', ' ').slice(0, 16)}Z`
}
