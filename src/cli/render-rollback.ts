import type { Change } from '../providers/provider.js'
import { formatDuration } from '../config-parts/units.js'
import type { Decision } from '../decisions/decide.js'
import type { PlanDocument, ResumeDocument } from '../rollback/plan-document.js'
import type { RollbackReport } from '../rollback/rollback-report.js'
import type { Watchers } from '../rollback/watchers.js'
import type { StepRecord } from '../rollback/step-record.js'
import { resumeCommand } from '../rollback/unfinished-run.js'
import { formatBytes, formatMs, table } from './output.js'

const MAX_FILES_SHOWN = 20

/** The plan and the preview of what would change, as a person reads it before saying yes. */
export function renderPlan(plan: PlanDocument[], decision?: Decision): string {
  const out: string[] = []
  plan.forEach((a, i) => {
    out.push(
      `${i + 1}. ${a.app} (priority ${a.priority}) → snapshot ${a.target} (${a.targetKind}, ${a.targetCreatedAt}${a.targetLabel ? `, ${a.targetLabel}` : ''})`,
    )
    for (const c of a.components) {
      const now = c.now !== c.from ? ` (now ${c.now})` : ''
      out.push(`   ${c.name} [${c.provider}]: ${c.from} → ${c.to}${now}`)
      const files = c.changes.filter((x) => x.kind !== 'version')
      for (const change of files.slice(0, MAX_FILES_SHOWN)) out.push(`     ${describeChange(change)}`)
      if (files.length > MAX_FILES_SHOWN) out.push(`     … and ${files.length - MAX_FILES_SHOWN} more (all of them with --json)`)
      const totals = summarise(files)
      if (files.length > 0) out.push(`     ${totals}`)
    }
    out.push('   then: verify the snapshot, take a safety snapshot, restore, validate health')
  })
  if (decision) out.push(describeDecision(decision))
  return out.join('\n')
}

/** One line: the scenario and what the decision matrix says about it. */
export function describeDecision(d: Decision): string {
  const approval = d.approval.required
    ? `approval by ${d.approval.approvers === 2 ? 'two holders' : 'a holder'} of ${d.approval.permission}`
    : d.basis === 'environment'
      ? 'no approval in this environment'
      : 'no approval'
  return `scenario ${d.scenario}: ${d.rollback} rollback, target ${formatDuration(d.targetMs)}, ${approval}${d.flagged ? ', flagged for review' : ''}`
}

/** A run that did not finish, before it is resumed: where it stopped, its journal so far, and its plan. */
export function renderResume(r: ResumeDocument, plan: PlanDocument[]): string {
  return [
    `resume rollback ${r.run} (started ${r.startedAt} by ${r.actor}, reason: ${r.reason}); it stopped ${r.stoppedAt}`,
    '',
    r.steps.length > 0 ? stepTable(r.steps) : 'no step was recorded',
    '',
    renderPlan(plan),
    '',
    'steps that succeeded are kept (the safety snapshot too); the step it stopped in is redone, then the rest, then validation',
  ].join('\n')
}

/** After the apps: whether anything still watches them, and what the next rollback could restore. */
function renderWatchers(w: Watchers): string[] {
  return [
    w.monitor.active
      ? `monitor: running (last seen ${w.monitor.lastSeenAt})`
      : `monitor: NOT RUNNING (last seen ${w.monitor.lastSeenAt ?? 'never'}): nothing watches these apps now; start \`lastgood serve\` or \`lastgood monitor\``,
    `newest snapshots: ${w.snapshots.map((s) => `${s.app} ${s.newestAt ?? 'none'}`).join(', ')}`,
    w.lastVerify
      ? `last scheduled verify: ${w.lastVerify.schedule} ${w.lastVerify.outcome} at ${w.lastVerify.endedAt}`
      : 'last scheduled verify: none has run (a schedule with run: snapshot-verify proves the repository can be read)',
  ]
}

function stepTable(steps: StepRecord[]): string {
  return table(
    ['#', 'APP', 'STEP', 'COMPONENT', 'STATUS', 'TIME'],
    steps.map((s) => [String(s.seq), s.app, s.name, s.component ?? '', s.status, s.durationMs === null ? '' : formatMs(s.durationMs)]),
  )
}

function describeChange(c: Change): string {
  switch (c.kind) {
    case 'added':
      return `+ ${c.path} (${formatBytes(c.sizeAfter ?? 0)})`
    case 'removed':
      return `- ${c.path} (${formatBytes(c.sizeBefore ?? 0)})`
    case 'changed':
      return `~ ${c.path} (${formatBytes(c.sizeBefore ?? 0)} → ${formatBytes(c.sizeAfter ?? 0)})`
    case 'version':
    case 'action':
      return `! ${c.path ?? ''}${c.after ? ` ${c.after}` : ''}`
  }
}

function summarise(files: Change[]): string {
  const count = (k: Change['kind']) => files.filter((f) => f.kind === k).length
  return `${count('added')} added, ${count('changed')} changed, ${count('removed')} removed`
}

export function renderReport(r: RollbackReport): string {
  const out = [`rollback ${r.run}: ${r.status.toUpperCase()} in ${formatMs(r.durationMs)} (reason: ${r.reason}, by ${r.actor})`, '']
  if (r.resumed) out.push(`resumed by ${r.resumed.actor} at ${r.resumed.at} (reason: ${r.resumed.reason})`, '')
  out.push(stepTable(r.steps))
  out.push('')
  for (const a of r.apps) {
    const versions = Object.keys(a.to)
      .map((k) => `${k} ${a.from[k]} → ${a.to[k]}${a.restorePaths[k] ? ` (${a.restorePaths[k]})` : ''}`)
      .join(', ')
    out.push(`${a.app}: ${a.outcome} — ${versions}`)
    if (a.validation)
      out.push(
        `  validation: ${a.validation.outcome}, ${a.validation.consecutivePasses} consecutive passes in ${formatMs(a.validation.elapsedMs)}`,
      )
    if (a.safety) out.push(`  safety snapshot: ${a.safety}`)
    if (a.error) out.push(`  error: ${a.error}`)
  }
  if (r.watchers) out.push('', ...renderWatchers(r.watchers))
  if (r.stopped) {
    out.push(
      '',
      r.status === 'interrupted'
        ? `${r.stopped.why} ${r.stopped.at}; journaled: finish it with \`${resumeCommand(r.run)}\``
        : `${r.stopped.why} ${r.stopped.at}, before anything changed; recorded as not started`,
    )
  }
  return out.join('\n')
}
