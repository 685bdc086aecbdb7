import { z } from 'zod'
import { findApp } from '../platform/platform.js'
import { markGood } from '../snapshots/mark-good.js'
import { withMarks } from '../snapshots/snapshot-marks.js'
import { listSnapshots, requireSnapshot } from '../snapshots/snapshot-record.js'
import { operation } from './operation.js'

export const snapshotListOperation = operation({
  name: 'snapshot.list',
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
