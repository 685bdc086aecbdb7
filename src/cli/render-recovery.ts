import { type BreachAssessment, describeBreachAssessment } from '../recovery/breach-assessment.js'
import type { Incident } from '../recovery/incident.js'
import type { RecoveryReport } from '../recovery/recovery-report.js'
import type { TimelineEntry } from '../recovery/timeline.js'
import { formatMs, table } from './output.js'

/** `incident show`: the incident, its whole timeline, and what recovery achieved, for people. */
export function renderIncidentShow(i: Incident, timeline: TimelineEntry[], r: RecoveryReport, breach: BreachAssessment | null): string {
  return [renderIncident(i, breach), '', 'TIMELINE', renderTimeline(timeline), '', 'RECOVERY', renderRecovery(r)].join('\n')
}

function renderIncident(i: Incident, breach: BreachAssessment | null): string {
  const rows: [string, string][] = [
    ['incident', i.id],
    ['type', i.type],
    ['severity', i.severity],
    ['status', i.status],
    ['level', i.level === 0 ? '0 (no escalation level applied yet)' : `${i.level} since ${i.levelAt ?? '?'}`],
    ['scope', i.scope.join(', ')],
    ['reason', i.reason],
    ['opened', `${i.openedAt} by ${i.openedBy}`],
    ['audience', i.audience.length > 0 ? i.audience.join(', ') : 'NO CHANNEL has been told of this incident (see the timeline)'],
  ]
  if (i.summary) rows.push(['summary', i.summary])
  if (i.recoveryTarget) rows.push(['recovery target', i.recoveryTarget])
  if (i.resolvedAt) rows.push(['resolved', `${i.resolvedAt} by ${i.resolvedBy ?? '?'}`])
  if (breach) rows.push(['breach deadline', describeBreachAssessment(breach)])
  return rows.map(([k, v]) => `${`${k}:`.padEnd(17)}${v}`).join('\n')
}

export function renderTimeline(timeline: TimelineEntry[]): string {
  if (timeline.length === 0) return 'no entries'
  return table(
    ['TIME', 'KIND', 'ACTOR', 'MESSAGE'],
    timeline.map((e) => [e.at, e.kind, e.actor, e.message]),
  )
}

function renderRecovery(r: RecoveryReport): string {
  const out = [
    `declared ${r.times.declared}; mitigating ${r.times.mitigating ?? '—'}; monitoring ${r.times.monitoring ?? '—'}; resolved ${r.times.resolved ?? '—'}`,
    describeRto(r),
  ]
  if (r.apps.length > 0) {
    out.push(
      '',
      table(
        ['APP', 'OUTCOME', 'FROM', 'TO', 'TARGET', 'STARTED', 'VALIDATED', 'RUN'],
        r.apps.map((a) => [
          a.app,
          a.outcome,
          versions(a.from),
          versions(a.to),
          a.target ?? '—',
          a.startedAt ?? '—',
          a.validatedAt ?? '—',
          a.run ?? '—',
        ]),
      ),
    )
    for (const a of r.apps.filter((x) => x.error)) out.push(`  ${a.app}${a.run ? ` (${a.run})` : ''}: ${a.error}`)
  } else out.push('no rollback run recorded')
  if (r.runbook.steps.length > 0) {
    out.push(
      '',
      `runbook: ${r.runbook.outcome ?? 'running'}`,
      table(
        ['#', 'STEP', 'OUTCOME', 'AT', 'DETAIL'],
        r.runbook.steps.map((s) => [
          s.index === null ? '' : String(s.index),
          s.kind && s.kind !== s.name ? `${s.name} (${s.kind})` : s.name,
          s.outcome,
          s.at,
          s.detail,
        ]),
      ),
    )
  }
  for (const e of r.evidence) out.push(`evidence ${e.at}: ${e.hash ? `sha256 ${e.hash}` : 'no hash recorded'}${e.ref ? ` (${e.ref})` : ''}`)
  out.push(
    r.escalations.length === 0
      ? 'escalation: none'
      : `escalation: ${r.escalations.map((e) => `level ${e.level ?? '?'} at ${e.at}`).join(', ')}`,
  )
  for (const c of r.continuity) {
    out.push(
      `continuity ${c.plan}${c.function ? ` (${c.function})` : ''}: activated ${c.activatedAt}${c.breachedAt ? `, BREACHED ${c.breachedAt}` : ''}${c.endedAt ? `, ended ${c.endedAt}` : ', active'}${c.fallback ? `; fallback: ${c.fallback}` : ''}`,
    )
  }
  if (r.notifications.length === 0) out.push('notifications: none queued')
  else
    out.push(
      table(
        ['CHANNEL', 'SENT', 'FAILED', 'PENDING', 'LAST ERROR'],
        r.notifications.map((n) => [n.channel, String(n.sent), String(n.failed), String(n.pending), n.lastError ?? '']),
      ),
    )
  return out.join('\n')
}

export function describeRto(r: RecoveryReport): string {
  const rto = formatMs(r.rto.objectiveMs)
  const ttr = r.recovered.timeToRecoverMs
  if (ttr === null) {
    return r.rto.verdict === 'missed'
      ? `not recovered yet: RTO ${rto} MISSED, already ${formatMs(r.rto.deltaMs)} over`
      : `not recovered yet: ${formatMs(-r.rto.deltaMs)} left of the RTO ${rto}`
  }
  const how = `time to recover ${formatMs(ttr)} (declaration → ${r.recovered.basis === 'validation' ? 'last app validated' : r.recovered.basis})`
  return r.rto.verdict === 'met'
    ? `${how}: RTO ${rto} met, ${formatMs(-r.rto.deltaMs)} to spare`
    : `${how}: RTO ${rto} MISSED by ${formatMs(r.rto.deltaMs)}`
}

function versions(v: Record<string, string>): string {
  const entries = Object.entries(v)
  if (entries.length === 0) return '—'
  return entries.map(([c, ver]) => (entries.length === 1 ? ver : `${c}=${ver}`)).join(' ')
}
