import { z } from 'zod'
import { validateIntegrity } from '../inspect/validate-integrity.js'
import { selectApps } from '../platform/platform.js'
import { requireSnapshot } from '../snapshots/snapshot-record.js'
import { flagInput, listInput } from './input-fields.js'
import { operation } from './operation.js'

/** Configuration, deployment state and health of each app; exit 1 when anything failed. */
export const validateOperation = operation({
  name: 'validate',
  summary: 'Configuration, deployment state and health of each app',
  method: 'GET',
  path: '/validate',
  permission: 'read',
  readOnly: false,
  input: z.object({ app: listInput(z.string()).describe('Apps to validate (default: all).') }),
  async run(p, input) {
    const report = await validateIntegrity(p, selectApps(p.config, input.app))
    return { result: report, exitCode: report.ok ? 0 : 1 }
  },
})

/** The repository's structure, or every byte with read_data, of the named snapshots or all of them. */
export const snapshotVerifyOperation = operation({
  name: 'snapshot.verify',
  summary: 'Verify the repository, or every byte with read_data',
  method: 'GET',
  path: '/snapshots/verify',
  permission: 'read',
  readOnly: false,
  input: z.object({
    id: listInput(z.string().min(1)).describe('Snapshots to verify (default: all).'),
    read_data: flagInput().describe('Read, authenticate and hash every byte.'),
  }),
  async run(p, input) {
    for (const id of input.id) await requireSnapshot(p.state.db, id, { allowPruned: true })
    const started = performance.now()
    const report = await p.repository.verify({ readData: input.read_data, ...(input.id.length ? { snapshotIds: input.id } : {}) })
    const durationMs = Math.round(performance.now() - started)
    // Leftovers of an interrupted write are not damage: no snapshot uses them, and prune removes them.
    const problems = report.problems.filter((x) => x.kind !== 'unreferenced')
    const unreferenced = report.problems.filter((x) => x.kind === 'unreferenced').map(({ object, message }) => ({ object, message }))
    return { result: { ...report, problems, unreferenced, durationMs, readData: input.read_data }, exitCode: report.ok ? 0 : 1 }
  },
})
