import { z } from 'zod'
import { asError, exitCodeOf, OperationFailedError, UserError } from '../core/errors.js'
import { redact } from '../core/redact.js'
import { findApp, selectApps } from '../platform/platform.js'
import { stopReason } from '../rollback/journal.js'
import { createPlatformSnapshot } from '../snapshots/create-platform-snapshot.js'
import { createSnapshot } from '../snapshots/create-snapshot.js'
import { pruneSnapshots } from '../snapshots/prune-snapshots.js'
import { markGood } from '../snapshots/mark-good.js'
import { type Marked, withMarks } from '../snapshots/snapshot-marks.js'
import { listSnapshots, requireSnapshot, SNAPSHOT_KINDS, type SnapshotRecord } from '../snapshots/snapshot-record.js'
import { flagInput, listInput } from './input-fields.js'
import { type Outcome, operation } from './operation.js'

export const snapshotListOperation = operation({
  name: 'snapshot.list',
  summary: 'Snapshots, newest first, with how the rollback-target rule sees each',
  method: 'GET',
  path: '/snapshots',
  permission: 'read',
  readOnly: false,
  input: z.object({ app: z.string().optional().describe('Only the snapshots of this app.') }),
  async run(p, input) {
    if (input.app) findApp(p.config, input.app)
    return { result: { snapshots: await withMarks(p, await listSnapshots(p.state.db, input.app)) }, exitCode: 0 }
  },
})

export const snapshotShowOperation = operation({
  name: 'snapshot.show',
  summary: 'One snapshot: its components, health at capture, marks',
  method: 'GET',
  path: '/snapshots/:id',
  permission: 'read',
  readOnly: false,
  input: z.object({ id: z.string().min(1).describe('Snapshot id.') }),
  async run(p, input) {
    const [snapshot] = await withMarks(p, [await requireSnapshot(p.state.db, input.id, { allowPruned: true })])
    return { result: { snapshot: snapshot! }, exitCode: 0 }
  },
})

/** A snapshot declared known good by a person; it clears the rejections of its release versions. */
export const snapshotMarkGoodOperation = operation({
  name: 'snapshot.mark-good',
  summary: 'Declare a snapshot known good; clears the rejections of its release versions',
  method: 'POST',
  path: '/snapshots/:id/mark-good',
  permission: 'snapshot',
  readOnly: false,
  input: z.object({
    id: z.string().min(1).describe('Snapshot id.'),
    reason: z.string().optional().describe('Why it is good, for the audit trail.'),
  }),
  async run(p, input, { actor }) {
    const { snapshot, cleared } = await markGood(p, input.id, { actor, reason: input.reason ?? null, clearRejections: true })
    return { result: { snapshot, clearedRejections: cleared }, exitCode: 0 }
  },
})

/**
 * Captures each app (each its own snapshot, tried whatever happened to the one before), or with `all` one
 * platform snapshot of every app at the same moment. A stop request ends it between components, saying what
 * was kept.
 */
export const snapshotCreateOperation = operation({
  name: 'snapshot.create',
  summary: 'Capture apps (each its own snapshot) or, with all, one platform snapshot',
  method: 'POST',
  path: '/snapshots',
  permission: 'snapshot',
  readOnly: false,
  stoppable: true,
  long: true,
  input: z.object({
    app: listInput(z.string()).describe('Apps to capture, or "all" (each its own snapshot).'),
    all: flagInput().describe('One platform snapshot: every app at the same moment, under one id.'),
    label: z.string().optional().describe('A label to find it by, such as a deploy id.'),
    kind: z
      .enum(SNAPSHOT_KINDS.filter((k) => k !== 'safety') as [string, ...string[]], {
        error: `expected one of ${SNAPSHOT_KINDS.filter((k) => k !== 'safety').join(', ')}`,
      })
      .default('manual')
      .describe('Why it was taken.'),
    reason: z.string().optional().describe('Why, for the audit trail.'),
  }),
  async run(p, input, { actor, signal }): Promise<Outcome<CreatedSnapshots>> {
    if (input.all && input.app.length > 0)
      throw new UserError(`--all takes every app; drop ${input.app.join(' ')} (or drop --all to capture only those)`)
    if (!input.all && input.app.length === 0)
      throw new UserError('name the apps to capture (or all), or pass --all for one platform snapshot of every app')
    const how = { kind: input.kind as SnapshotRecord['kind'], label: input.label ?? null, actor, reason: input.reason ?? null }
    if (input.all) {
      const ps = await createPlatformSnapshot(p, p.config.apps, how)
      return { result: { platformSnapshot: ps.id, snapshots: await withMarks(p, ps.snapshots) }, exitCode: 0 }
    }
    const selected = selectApps(p.config, input.app)
    const created: SnapshotRecord[] = []
    const failed: { app: string; err: Error }[] = []
    for (const [i, app] of selected.entries()) {
      try {
        created.push(await createSnapshot(p, app, { ...how, signal }))
      } catch (err) {
        if (signal.aborted) {
          const notStarted = selected.slice(i + 1).map((a) => a.name)
          throw new OperationFailedError(keptSoFar(`stopped by ${stopReason(signal)}`, created, app.name, notStarted))
        }
        // A single app keeps its own error and exit code.
        if (selected.length === 1) throw err
        failed.push({ app: app.name, err: asError(err) })
      }
    }
    const exitCode = failed.length === 0 ? 0 : created.length === 0 && failed.every((f) => exitCodeOf(f.err) === 2) ? 2 : 1
    return {
      result: { snapshots: await withMarks(p, created), failed: failed.map((f) => ({ app: f.app, error: redact(f.err.message) })) },
      exitCode,
    }
  },
})

/** With `all`, the platform snapshot's id; otherwise the apps that failed, each with its error. */
export interface CreatedSnapshots {
  platformSnapshot?: string
  snapshots: Marked[]
  failed?: { app: string; error: string }[]
}

/** What a stopped capture leaves: complete snapshots kept, the one cut short unreferenced (prune removes it). */
function keptSoFar(why: string, kept: SnapshotRecord[], cut: string, notStarted: string[]): string {
  const ids = kept.map((s) => s.id).join(', ')
  return (
    `${why} while capturing ${cut}: ${kept.length > 0 ? `kept ${ids} (complete)` : 'nothing was kept'}; ${cut} was not captured ` +
    `(the data written so far is unreferenced; \`lastgood snapshot prune\` removes it)${notStarted.length > 0 ? `; not started: ${notStarted.join(', ')}` : ''}`
  )
}

/** Removes what the retention policy no longer keeps, and what nothing in the repository needs. */
export const snapshotPruneOperation = operation({
  name: 'snapshot.prune',
  summary: 'Remove what retention no longer keeps (dry_run: only say what)',
  method: 'POST',
  path: '/snapshots/prune',
  permission: 'snapshot',
  readOnly: false,
  input: z.object({
    app: listInput(z.string()).describe('Apps to prune (default: all).'),
    dry_run: flagInput().describe('Say what would be removed; remove nothing.'),
    unconfigured: flagInput().describe('Also remove every snapshot of an app the configuration no longer has.'),
  }),
  async run(p, input, { actor }) {
    const result = await pruneSnapshots(p, selectApps(p.config, input.app), {
      dryRun: input.dry_run,
      actor,
      unconfigured: input.unconfigured,
    })
    return { result, exitCode: 0 }
  },
})
