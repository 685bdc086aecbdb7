import { listApprovals } from '../approvals/approval-store.js'
import { approveCommand } from '../approvals/approval.js'
import { formatDuration } from '../config-parts/units.js'
import type { ResolvedApp } from '../config/types.js'
import { RefusedError } from '../core/errors.js'
import type { Platform } from '../platform/platform.js'
import { openIncidentsCovering } from '../recovery/open-incident.js'
import { listPendingRollbacks } from '../monitor/monitor-store.js'
import { refuseLiveLocks } from '../rollback/target-lock.js'
import { refuseUnfinishedRuns } from '../rollback/unfinished-run.js'
import { listSnapshots } from '../snapshots/snapshot-record.js'
import { freezesInForce } from './freeze-store.js'

export const PREFLIGHT_CHECKS = ['snapshot', 'incident', 'rollback', 'approval', 'freeze'] as const
export type PreflightCheckName = (typeof PREFLIGHT_CHECKS)[number]

/** One gate: passed or not, and in words what was found, and when it did not pass, how to clear it. */
export interface PreflightCheck {
  name: PreflightCheckName
  ok: boolean
  detail: string
}

export interface PreflightReport {
  app: string
  ok: boolean
  checks: PreflightCheck[]
}

export interface PreflightOptions {
  /** How old the pre-deploy snapshot may be. */
  maxAgeMs: number
  /** The pipeline has not taken its snapshot yet: every gate but that one. */
  beforeSnapshot: boolean
}

/**
 * Whether a deploy of `app` may go ahead now: a pre-deploy snapshot a rollback can restore (recent, taken
 * while the app was healthy, its data in the repository), and nothing under way that a deploy would cut
 * across: an open incident, a rollback running or left unfinished, a rollback waiting for approval, a freeze.
 * It only reads: every check runs, so one answer names everything that stands in the way.
 */
export async function preflight(p: Platform, app: ResolvedApp, opts: PreflightOptions): Promise<PreflightReport> {
  const now = Date.now()
  const checks: PreflightCheck[] = [
    opts.beforeSnapshot
      ? { name: 'snapshot', ok: true, detail: 'not checked yet (--before-snapshot): the pipeline takes it next' }
      : await snapshotCheck(p, app.name, opts.maxAgeMs, now),
    await incidentCheck(p, app.name),
    await rollbackCheck(p, app.name),
    await approvalCheck(p, app.name),
    await freezeCheck(p, app.name, now),
  ]
  return { app: app.name, ok: checks.every((c) => c.ok), checks }
}

const passed = (name: PreflightCheckName, detail: string): PreflightCheck => ({ name, ok: true, detail })
const failed = (name: PreflightCheckName, detail: string): PreflightCheck => ({ name, ok: false, detail })
/** Whole seconds from a second on: the milliseconds of a snapshot's age say nothing. */
const ago = (ms: number) => formatDuration(ms < 1000 ? Math.max(0, ms) : Math.round(ms / 1000) * 1000)

async function snapshotCheck(p: Platform, app: string, maxAgeMs: number, now: number): Promise<PreflightCheck> {
  const take = `take one: lastgood snapshot create ${app} --kind pre-deploy`
  const snap = (await listSnapshots(p.state.db, app)).find((s) => s.kind === 'pre-deploy')
  if (!snap) return failed('snapshot', `no pre-deploy snapshot of ${app}; ${take}`)
  const age = now - Date.parse(snap.createdAt)
  if (age > maxAgeMs)
    return failed(
      'snapshot',
      `the newest pre-deploy snapshot, ${snap.id}, was taken ${ago(age)} ago, more than ${formatDuration(maxAgeMs)}; ${take}`,
    )
  if (!snap.knownGood)
    return failed(
      'snapshot',
      `${snap.id} was taken while ${app}'s health was ${snap.health} and nobody vouched for it: a rollback to it would not restore a working ${app}; ` +
        `make the app healthy and ${take}, or vouch for it: lastgood snapshot mark-good ${snap.id} --reason "<why>"`,
    )
  // Presence and size of everything it needs, not every byte: cheap enough for every deploy.
  const report = await p.repository.verify({ snapshotIds: [snap.id], readData: false })
  const problems = report.problems.filter((x) => x.kind !== 'unreferenced')
  if (problems.length > 0)
    return failed(
      'snapshot',
      `${snap.id} cannot be restored: ${problems[0]!.message}${problems.length > 1 ? ` (and ${problems.length - 1} more problems)` : ''}; ${take}`,
    )
  return passed('snapshot', `${snap.id} taken ${ago(age)} ago, healthy, its data in the repository`)
}

async function incidentCheck(p: Platform, app: string): Promise<PreflightCheck> {
  const open = await openIncidentsCovering(p.state.db, [app])
  if (open.length === 0) return passed('incident', `no open incident covers ${app}`)
  return failed(
    'incident',
    open
      .map(
        (i) =>
          `incident ${i.id} (${i.type}, ${i.severity}) covers ${app} since ${i.openedAt}; once it is over: lastgood incident resolve ${i.id} --summary "<what happened>"`,
      )
      .join('; '),
  )
}

/**
 * A live lock or a run left unfinished (the refusal a new rollback would meet says what and how to clear it),
 * or a rollback an alert trigger proposed that nobody has run or dismissed: the app is in trouble already.
 */
async function rollbackCheck(p: Platform, app: string): Promise<PreflightCheck> {
  try {
    await refuseLiveLocks(p.state.db, [`app:${app}`])
    await refuseUnfinishedRuns(p.state.db, [app])
  } catch (err) {
    if (err instanceof RefusedError) return failed('rollback', err.message)
    throw err
  }
  const [proposed] = await listPendingRollbacks(p.state.db, [app])
  if (proposed)
    return failed(
      'rollback',
      `trigger ${proposed.trigger} proposed rolling ${app} back at ${proposed.createdAt} (${proposed.reason}): run it with \`lastgood rollback --pending ${proposed.id}\` or dismiss it with \`lastgood rollback --dismiss ${proposed.id} --reason "<why>"\``,
    )
  return passed('rollback', `no rollback of ${app} is running, unfinished or proposed`)
}

async function approvalCheck(p: Platform, app: string): Promise<PreflightCheck> {
  const waiting = (await listApprovals(p.state.db)).filter((a) => a.apps.includes(app))
  if (waiting.length === 0) return passed('approval', `no rollback of ${app} awaits approval`)
  return failed(
    'approval',
    waiting
      .map((a) =>
        a.status === 'pending'
          ? `rollback ${a.id} of ${a.apps.join(', ')} awaits approval since ${a.createdAt}: ${approveCommand(a.id)}, or lastgood reject ${a.id} --reason "<why>"`
          : `rollback ${a.id} of ${a.apps.join(', ')} was approved and has not run yet; wait for it: lastgood approvals wait ${a.id}`,
      )
      .join('; '),
  )
}

async function freezeCheck(p: Platform, app: string, now: number): Promise<PreflightCheck> {
  const freezes = await freezesInForce(p.state.db, now, [app])
  if (freezes.length === 0) return passed('freeze', `${app} is not frozen`)
  return failed(
    'freeze',
    freezes
      .map(
        (f) =>
          `${f.app === app ? app : 'every app'} frozen until ${f.until} by ${f.frozenBy} (${f.id}): ${f.reason}; wait, or lift it: lastgood unfreeze ${f.app} --reason "<why>"`,
      )
      .join('; '),
  )
}
