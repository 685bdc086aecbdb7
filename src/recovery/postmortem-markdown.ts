import type { PostMortem, PostMortemAction } from './postmortem.js'

/** Where people must write: visible in the rendered page and easy to search for before the review. */
const TO_COMPLETE = '**[TO BE COMPLETED BY THE TEAM]**'

/** The seeds' template, section for section, as Markdown. */
export function renderPostMortem(pm: PostMortem): string {
  const lines = [`# Incident Post-Mortem: ${pm.title.date} - ${pm.title.description}`, '']
  if (pm.openNotice) lines.push(`> **${pm.openNotice}**`, '')
  lines.push('## Summary', pm.summary, '')
  if (pm.breachAssessment)
    lines.push('## Breach Assessment', `Notification of the individuals affected (HIPAA 164.404): ${pm.breachAssessment}`, '')
  lines.push('## Timeline', '| Time | Action |', '|------|--------|', ...pm.timeline.map((t) => `| ${t.time} | ${cell(t.action)} |`), '')
  lines.push(
    '## Root Cause',
    `${TO_COMPLETE} Detailed analysis of what caused the issue: what changed, why it failed, and why it was not caught before it reached production. The timeline above shows what was done, not why it was needed.`,
    '',
  )
  lines.push('## What Went Well', ...bullets(pm.wentWell, 'Nothing recorded stood out; add what the team saw.'), '')
  lines.push(
    '## What Could Be Improved',
    ...bullets(pm.couldBeImproved, 'lastgood recorded no failure, missed objective or escalation; add what the team saw.'),
    '',
  )
  lines.push('## Action Items', ...pm.actionItems.map(actionLine), '')
  lines.push('## Lessons Learned', `${TO_COMPLETE} Key takeaways and learnings.`, '')
  return lines.join('\n')
}

/**
 * The seeds' "- [ ] Action - Owner: [Name] - Due: [Date]": a tracked item with its owner, id and state, ticked
 * when done; a suggestion as the seeds have it, [Name] for the meeting to fill in (by tracking it).
 */
function actionLine(a: PostMortemAction): string {
  if (a.id === null) return `- [ ] ${a.action} - Owner: [Name] - Due: ${a.due}`
  const state = a.status === 'done' ? `done ${a.doneAt}` : a.status === 'overdue' ? 'OVERDUE' : 'open'
  return `- [${a.status === 'done' ? 'x' : ' '}] ${oneLine(a.action)} - Owner: ${a.owner} - Due: ${a.due} (${a.id}, ${state})`
}

function bullets(items: string[], none: string): string[] {
  return items.length > 0 ? items.map((x) => `- ${x}`) : [`- ${TO_COMPLETE} ${none}`]
}

/** A table cell: a pipe would end the cell, and a newline the row. */
function cell(s: string): string {
  return oneLine(s.replace(/\|/g, '\\|'))
}

/** A newline would end the list item. */
function oneLine(s: string): string {
  return s.replace(/\s*\n\s*/g, ' ')
}
