import { z } from 'zod'
import { UserError } from '../core/errors.js'
import { addActionItem, completeActionItem, listActionItems } from '../recovery/action-items.js'
import { requireIncident } from '../recovery/incident-store.js'
import { dueInput } from './due-input.js'
import { flagInput, requiredText } from './input-fields.js'
import { operation } from './operation.js'

const ADD = 'lastgood incident action add INCIDENT --owner NAME --due 7d "what to do"'

/** A post-mortem action item, tracked: an owner and a due time; the incident's timeline records it. */
export const incidentActionAddOperation = operation({
  name: 'incident.action.add',
  summary: 'Track a post-mortem action item of an incident: what, who, by when',
  method: 'POST',
  path: '/incidents/:id/action-items',
  permission: 'incident',
  readOnly: false,
  input: z.object({
    id: z.string().min(1).describe('Incident id.'),
    owner: requiredText(`an action item needs an --owner: ${ADD}`).describe('Who does it.'),
    due: dueInput().describe('When it is due: a date (by the end of that day, UTC), a time, or a duration from now such as 7d.'),
    text: requiredText(`an action item needs some text: ${ADD}`).describe('What is to be done.'),
  }),
  async run(p, input, { actor }) {
    const item = await addActionItem(p, { incident: input.id, text: input.text, owner: input.owner, dueAt: input.due, actor })
    return { result: { item }, exitCode: 0 }
  },
})

export const incidentActionDoneOperation = operation({
  name: 'incident.action.done',
  summary: 'Mark an action item done, with an optional note',
  method: 'POST',
  path: '/action-items/:id/done',
  permission: 'incident',
  readOnly: false,
  input: z.object({
    id: z.string().min(1).describe('Action item id.'),
    note: requiredText('--note is blank: say what was done, or leave --note out').optional().describe('What was done.'),
  }),
  async run(p, input, { actor }) {
    const item = await completeActionItem(p, { id: input.id, actor, ...(input.note !== undefined ? { note: input.note } : {}) })
    return { result: { item }, exitCode: 0 }
  },
})

export const incidentActionListOperation = operation({
  name: 'incident.action.list',
  summary: 'Open action items (all: done ones too; overdue: only those past due), of one incident or all',
  method: 'GET',
  path: '/action-items',
  permission: 'read',
  readOnly: false,
  input: z.object({
    incident: z.string().min(1).optional().describe('Only this incident’s items.'),
    all: flagInput().describe('Done items too.'),
    overdue: flagInput().describe('Only open items past their due time, the longest overdue first.'),
  }),
  async run(p, input) {
    if (input.all && input.overdue)
      throw new UserError('--all and --overdue contradict each other (done items are never overdue): give one')
    if (input.incident !== undefined) await requireIncident(p.state.db, input.incident)
    const items = await listActionItems(p.state.db, {
      all: input.all,
      overdue: input.overdue,
      ...(input.incident !== undefined ? { incident: input.incident } : {}),
    })
    return { result: { items }, exitCode: 0 }
  },
})
