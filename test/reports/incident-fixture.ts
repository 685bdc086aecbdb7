import { enqueueNotifications } from '../../src/notify/enqueue.js'
import type { Platform } from '../../src/platform/platform.js'
import type { Incident } from '../../src/recovery/incident.js'
import { insertIncident, requireIncident, updateIncident } from '../../src/recovery/incident-store.js'
import { recordTimeline } from '../../src/recovery/timeline.js'
import type { RollbackReport } from '../../src/rollback/rollback-report.js'
import { type StepRecord, toStepRow } from '../../src/rollback/step-record.js'

/** Incidents with timelines at chosen times, written through the stores the real code writes with. */

export const T0 = Date.parse('2026-03-02T08:00:00.000Z')
export const S = 1000
export const MIN = 60_000
export const iso = (ms: number) => new Date(ms).toISOString()

export async function declare(p: Platform, over: Partial<Incident> & { id: string }): Promise<Incident> {
  const incident: Incident = {
    type: 'critical_application_failure',
    severity: 'high',
    status: 'declared',
    scope: ['staff'],
    reason: 'staff returns 500 on every page',
    openedAt: iso(T0),
    openedBy: 'alice',
    level: 0,
    levelAt: null,
    audience: [],
    summary: null,
    resolvedAt: null,
    resolvedBy: null,
    recoveryTarget: null,
    nextUpdateAt: null,
    details: {},
    ...over,
  }
  await p.state.writeTransaction(async (tx) => {
    await insertIncident(tx, incident)
    await recordTimeline(tx, incident.id, {
      kind: 'declared',
      actor: incident.openedBy,
      at: Date.parse(incident.openedAt),
      message: `${incident.type} declared: ${incident.reason}`,
      data: { scope: incident.scope },
    })
  })
  return incident
}

export async function entry(
  p: Platform,
  id: string,
  at: number,
  kind: string,
  actor: string,
  message: string,
  data: Record<string, unknown> = {},
): Promise<void> {
  await p.state.writeTransaction((tx) => recordTimeline(tx, id, { kind, actor, at, message, data }).then(() => undefined))
}

export async function move(p: Platform, id: string, at: number, from: string, to: string): Promise<void> {
  await p.state.writeTransaction(async (tx) => {
    await updateIncident(tx, id, { status: to as Incident['status'] })
    await recordTimeline(tx, id, { kind: 'status', actor: 'runbook', at, message: `${from} → ${to}`, data: { from, to } })
  })
}

export async function resolve(p: Platform, id: string, at: number, by: string): Promise<Incident> {
  await p.state.writeTransaction(async (tx) => {
    await updateIncident(tx, id, { status: 'resolved', resolvedAt: iso(at), resolvedBy: by })
    await recordTimeline(tx, id, { kind: 'resolved', actor: by, at, message: 'service restored and watched' })
  })
  return requireIncident(p.state.db, id)
}

/**
 * A finished rollback run of one app as the journal leaves it: the run row with its report, and its steps.
 * `validatedAt` null: validation failed and the safety snapshot was put back.
 */
export async function rollbackRun(p: Platform, run: string, app: string, startedAt: number, validatedAt: number | null): Promise<void> {
  const step = (seq: number, name: StepRecord['name'], start: number, end: number, status: StepRecord['status']): StepRecord => ({
    seq,
    app,
    name,
    component: name === 'restore' || name === 'revert' ? 'release' : null,
    status,
    startedAt: iso(start),
    endedAt: iso(end),
    durationMs: end - start,
    detail: null,
    error: status === 'failed' ? 'validation failed: 0 consecutive passes' : null,
  })
  const end = validatedAt ?? startedAt + 2 * MIN
  const steps = [
    step(1, 'verify', startedAt, startedAt + S, 'succeeded'),
    step(2, 'safety-snapshot', startedAt + S, startedAt + 2 * S, 'succeeded'),
    step(3, 'restore', startedAt + 2 * S, startedAt + 3 * S, 'succeeded'),
    step(4, 'validate', startedAt + 3 * S, end, validatedAt ? 'succeeded' : 'failed'),
  ]
  const restored = validatedAt !== null
  const report: RollbackReport = {
    run,
    status: restored ? 'succeeded' : 'failed',
    reason: 'incident recovery',
    actor: 'runbook',
    startedAt: iso(startedAt),
    endedAt: iso(end),
    durationMs: end - startedAt,
    apps: [
      {
        app,
        target: `${app}-good`,
        safety: `${app}-safety`,
        outcome: restored ? 'restored' : 'reverted',
        from: { release: 'v2' },
        to: { release: 'v1' },
        restorePaths: { release: 'fast' },
        validation: null,
        error: restored ? null : 'validation failed: 0 consecutive passes',
      },
    ],
    steps,
  }
  await p.state.writeTransaction(async (tx) => {
    await tx
      .insertInto('rollback_runs')
      .values({
        id: run,
        apps: JSON.stringify([app]),
        status: report.status,
        reason: report.reason,
        actor: report.actor,
        started_at: iso(startedAt),
        ended_at: iso(end),
        owner_host: 'test',
        owner_pid: 1,
        report: JSON.stringify(report),
        plan: null,
      })
      .execute()
    for (const s of steps) await tx.insertInto('rollback_steps').values(toStepRow(run, s)).execute()
  })
}

/** Queues one message per channel for the incident and sets what delivery made of it. */
export async function notification(
  p: Platform,
  incident: Incident,
  channel: string,
  status: 'sent' | 'failed' | 'pending',
  lastError: string | null = null,
): Promise<void> {
  await p.state.writeTransaction(async (tx) => {
    const [m] = await enqueueNotifications(tx, p.config, {
      kind: 'status_update',
      channels: [channel],
      severity: incident.severity,
      vars: {},
      incident: { id: incident.id, type: incident.type, status: incident.status, level: incident.level, scope: incident.scope },
    })
    await tx
      .updateTable('notifications')
      .set({ status, last_error: lastError, attempts: status === 'pending' ? 0 : 1 })
      .where('id', '=', m!.id)
      .execute()
  })
}
