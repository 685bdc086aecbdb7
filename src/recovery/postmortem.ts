import { formatDuration } from '../config-parts/units.js'
import type { ActionItem, ActionItemStatus } from './action-items.js'
import { type BreachAssessment, describeBreachAssessment } from './breach-assessment.js'
import type { Incident } from './incident.js'
import { latestPerApp } from './recovery-apps.js'
import type { RecoveryReport } from './recovery-report.js'
import type { TimelineEntry } from './timeline.js'

/**
 * The seeds' post-mortem template, filled from what lastgood recorded. Facts (summary, timeline, what went
 * well, what could be improved, the action items they call for) come from the timeline and the recovery
 * report; what only people can know (root cause, lessons) is a marked placeholder, never invented.
 */
export interface PostMortem {
  incident: string
  /** "[Date] - [Brief Description]": the declaration's UTC date and the reason it was declared. */
  title: { date: string; description: string }
  /** Set while the incident is not resolved: the draft says so at the top. */
  openNotice: string | null
  summary: string
  /** The breach assessment's deadline and state (a suspected breach only); null without one. */
  breachAssessment: string | null
  timeline: { time: string; action: string }[]
  rootCause: null
  wentWell: string[]
  couldBeImproved: string[]
  actionItems: PostMortemAction[]
  lessonsLearned: null
}

/**
 * The tracked items (`lastgood incident action add`) first, as they stand, then what lastgood suggests from
 * the record and nobody tracks yet: adding a suggestion with its text tracks it, and it is listed once.
 */
export interface PostMortemAction {
  action: string
  /** The tracked item's id; null for a suggestion. */
  id: string | null
  /** Nobody is assigned to a suggestion by lastgood: the post-mortem meeting does, by tracking it. */
  owner: string | null
  /**
   * A tracked item's due time; a suggestion's date: the seeds' long-term actions take 1–7 days, so a week
   * after resolution (after the draft, if open).
   */
  due: string
  status: ActionItemStatus | 'suggested'
  doneAt: string | null
}

const WEEK_MS = 7 * 86_400_000

export function buildPostMortem(
  i: Incident,
  timeline: TimelineEntry[],
  r: RecoveryReport,
  now = Date.now(),
  tracked: ActionItem[] = [],
  breach: BreachAssessment | null = null,
): PostMortem {
  const improve = improvements(i, r)
  const due = new Date((i.resolvedAt ? Date.parse(i.resolvedAt) : now) + WEEK_MS).toISOString().slice(0, 10)
  return {
    incident: i.id,
    title: { date: i.openedAt.slice(0, 10), description: oneLine(i.reason) },
    openNotice:
      i.status === 'resolved'
        ? null
        : `DRAFT: incident ${i.id} is still open (${i.status}); this post-mortem covers what was recorded up to ${new Date(now).toISOString()}.`,
    summary: summarise(i, r),
    breachAssessment: breach ? describeBreachAssessment(breach, now) : null,
    // The follow-up is the action items section's; the timeline is what happened during the incident.
    timeline: timeline
      .filter((e) => !e.kind.startsWith('action.'))
      .map((e) => ({ time: e.at, action: `${e.kind} (${e.actor}): ${oneLine(e.message)}` })),
    rootCause: null,
    wentWell: wentWell(r),
    couldBeImproved: improve.map((x) => x.finding),
    actionItems: actionItems(tracked, [
      ...improve.map((x) => ({ action: x.action, due })),
      { action: `Complete the root cause analysis of ${i.id} and record it in this post-mortem`, due },
      // The law's date, not the post-mortem's week.
      ...(breach && !breach.outcome
        ? [{ action: `Complete the breach assessment of ${i.id} and record it (lastgood incident assess)`, due: breach.dueAt.slice(0, 10) }]
        : []),
    ]),
    lessonsLearned: null,
  }
}

function actionItems(tracked: ActionItem[], suggested: { action: string; due: string }[]): PostMortemAction[] {
  const texts = new Set(tracked.map((t) => oneLine(t.text)))
  return [
    ...tracked.map((t) => ({ action: t.text, id: t.id, owner: t.owner, due: t.dueAt, status: t.status, doneAt: t.doneAt })),
    ...suggested
      .filter((s) => !texts.has(s.action))
      .map(({ action, due }) => ({ action, id: null, owner: null, due, status: 'suggested' as const, doneAt: null })),
  ]
}

function summarise(i: Incident, r: RecoveryReport): string {
  const parts = [
    `${i.severity} ${i.type} incident ${i.id}, declared by ${i.openedBy} at ${i.openedAt} for ${i.scope.join(', ')}: ${oneLine(i.reason)}.`,
  ]
  if (i.summary) parts.push(oneLine(i.summary).replace(/\.?$/, '.'))
  const restored = latestPerApp(r.apps).filter((a) => a.outcome === 'restored')
  if (restored.length > 0)
    parts.push(
      `Rolled back and validated: ${restored.map((a) => `${a.app} to ${a.target ?? 'its last known good'}${versionText(a.to)}`).join('; ')}.`,
    )
  parts.push(recoveryText(r))
  if (r.level > 0) parts.push(`Highest escalation level: ${r.level}.`)
  parts.push(i.resolvedAt ? `Resolved at ${i.resolvedAt} by ${i.resolvedBy ?? 'unknown'}.` : `Status: ${i.status}.`)
  return parts.join(' ')
}

function recoveryText(r: RecoveryReport): string {
  const rto = human(r.rto.objectiveMs)
  const ttr = r.recovered.timeToRecoverMs
  if (ttr === null)
    return r.rto.verdict === 'missed'
      ? `Not recovered yet, already ${human(r.rto.deltaMs)} past the ${rto} RTO.`
      : `Not recovered yet (RTO ${rto}).`
  const verdict = r.rto.verdict === 'met' ? `within the ${rto} RTO` : `missing the ${rto} RTO by ${human(r.rto.deltaMs)}`
  return `Recovered ${human(ttr)} after the declaration (${r.recovered.basis === 'validation' ? 'last app validated' : r.recovered.basis}), ${verdict}.`
}

function wentWell(r: RecoveryReport): string[] {
  const out: string[] = []
  if (r.rto.verdict === 'met' && r.recovered.timeToRecoverMs !== null)
    out.push(`Recovered in ${human(r.recovered.timeToRecoverMs)}, ${human(-r.rto.deltaMs)} inside the ${human(r.rto.objectiveMs)} RTO.`)
  for (const a of latestPerApp(r.apps).filter((x) => x.outcome === 'restored'))
    out.push(
      `${a.app} was restored to ${a.target ?? 'its last known good'}${versionText(a.to)} and passed validation at ${a.validatedAt ?? 'an unrecorded time'}.`,
    )
  for (const a of latestPerApp(r.apps).filter((x) => x.outcome === 'already-healthy'))
    out.push(`${a.app} was found healthy on its target's versions: nothing had to be restored.`)
  if (r.runbook.outcome === 'succeeded') out.push(`The runbook completed: ${r.runbook.steps.length} step(s), none failed.`)
  if (r.evidence.some((e) => e.hash))
    out.push(
      `Evidence was preserved with a content hash (${r.evidence
        .filter((e) => e.hash)
        .map((e) => e.hash!.slice(0, 16))
        .join(', ')}).`,
    )
  const sent = r.notifications.reduce((n, c) => n + c.sent, 0)
  if (sent > 0 && r.notifications.every((c) => c.failed === 0))
    out.push(`Every notification that was due was delivered (${r.notifications.map((c) => `${c.channel}: ${c.sent}`).join(', ')}).`)
  if (r.level <= 1)
    out.push(r.level === 0 ? 'No escalation level was needed.' : 'Handled at escalation level 1, without escalating further.')
  if (r.continuity.length > 0 && r.continuity.every((c) => !c.breachedAt))
    out.push(`Continuity plan(s) ${r.continuity.map((c) => c.plan).join(', ')} stayed within their maximum downtime.`)
  return out
}

interface Improvement {
  finding: string
  action: string
}

function improvements(i: Incident, r: RecoveryReport): Improvement[] {
  const out: Improvement[] = []
  const rto = human(r.rto.objectiveMs)
  if (r.rto.verdict === 'missed') {
    out.push(
      r.recovered.timeToRecoverMs === null
        ? {
            finding: `Not recovered yet, and already ${human(r.rto.deltaMs)} past the ${rto} RTO.`,
            action: `Find what kept ${i.id} from recovering within the ${rto} RTO and remove it`,
          }
        : {
            finding: `Recovery took ${human(r.recovered.timeToRecoverMs)}, ${human(r.rto.deltaMs)} over the ${rto} RTO.`,
            action: `Find which steps made recovery take longer than the ${rto} RTO and shorten them (a drill measures it)`,
          },
    )
  }
  // A run still under way is not a finding yet.
  for (const a of r.apps.filter((x) => !['restored', 'already-healthy', 'running'].includes(x.outcome))) {
    const what = a.run ? `the rollback of ${a.app} (${a.run})` : `the recovery of ${a.app}`
    out.push({
      finding: `${a.run ? `Rollback ${a.run} of ${a.app}` : `Recovery of ${a.app}`} ended ${a.outcome}${a.error ? `: ${oneLine(a.error)}` : ''}.`,
      action: `Find why ${what} ended ${a.outcome} and fix it`,
    })
  }
  for (const s of r.runbook.steps.filter((x) => x.outcome === 'failed')) {
    out.push({
      finding: `Runbook step ${s.index ?? '?'} (${s.name}) failed: ${oneLine(s.detail)}.`,
      action: `Fix runbook step ${s.index ?? '?'} (${s.name}) so it succeeds next time`,
    })
  }
  for (const c of r.notifications.filter((x) => x.failed > 0 || (x.pending > 0 && i.status === 'resolved'))) {
    const what = [c.failed > 0 ? `${c.failed} given up` : '', c.pending > 0 ? `${c.pending} never delivered` : '']
      .filter(Boolean)
      .join(', ')
    out.push({
      finding: `Notifications to ${c.channel}: ${what}${c.lastError ? ` (last error: ${oneLine(c.lastError)})` : ''}.`,
      action: `Repair the ${c.channel} channel and test it (the people it should have told were not told)`,
    })
  }
  for (const c of r.continuity.filter((x) => x.breachedAt)) {
    const limit = c.maxDowntimeMs === null ? '' : ` of ${human(c.maxDowntimeMs)}`
    out.push({
      finding: `Continuity plan ${c.plan}${c.function ? ` (${c.function})` : ''} breached its maximum downtime${limit} at ${c.breachedAt}.`,
      action: `Review continuity plan ${c.plan}: its fallback, its maximum downtime and the recovery priority of ${c.downApps.join(', ') || 'its apps'}`,
    })
  }
  const beyond = r.escalations.filter((e) => (e.level ?? 0) > 1)
  if (beyond.length > 0) {
    const top = beyond.reduce((a, b) => ((b.level ?? 0) > (a.level ?? 0) ? b : a))
    out.push({
      finding: `Escalated to level ${top.level} at ${top.at}, ${human(Math.max(0, Date.parse(top.at) - Date.parse(i.openedAt)))} after the declaration.`,
      action: `Find why ${i.id} needed escalation level ${top.level} and what would have resolved it at level 1`,
    })
  }
  return out
}

function versionText(to: Record<string, string>): string {
  const v = Object.entries(to)
  return v.length === 0 ? '' : ` (${v.map(([c, ver]) => `${c} ${ver}`).join(', ')})`
}

/** Milliseconds matter in a short recovery, not in a long one: `3s210ms`, but `14m57s`. */
function human(ms: number): string {
  return formatDuration(ms < 10_000 ? ms : Math.round(ms / 1000) * 1000)
}

function oneLine(s: string): string {
  return s.replace(/\s+/g, ' ').trim()
}
