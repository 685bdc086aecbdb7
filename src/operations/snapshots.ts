import { z } from 'zod'
import { findApp } from '../platform/platform.js'
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
