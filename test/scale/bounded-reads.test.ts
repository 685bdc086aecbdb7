import { type KyselyPlugin } from 'kysely'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { newScalePlatform, type ScaleSize } from '../../bench/scale-fixture.js'
import { withMarks } from '../../src/snapshots/snapshot-marks.js'
import { type SamplePlatform, withEnv } from '../../src/demo/sample-platform.js'
import { appStatuses } from '../../src/inspect/app-status.js'
import { keySource, openPlatform } from '../../src/platform/open-platform.js'
import type { Platform } from '../../src/platform/platform.js'
import type { Backend, FileType } from '../../src/repository/backend.js'
import { openBackend } from '../../src/repository/backends/backend-registry.js'
import { Repository } from '../../src/repository/repository.js'
import { listSnapshots } from '../../src/snapshots/snapshot-record.js'

/**
 * What keeps status and snapshot list fast however many apps and snapshots there are (bench:scale measures
 * the time): they read the state in the same number of queries for a small platform and for one with more
 * apps, snapshots and rollbacks, and neither they nor opening the repository read a repository file whose
 * number grows with the snapshots (index files, snapshot files, packs).
 */
const SMALL: ScaleSize = { apps: 2, snapshotsPerApp: 2, rollbacks: 1, auditEvents: 0 }
const LARGER: ScaleSize = { apps: 5, snapshotsPerApp: 4, rollbacks: 2, auditEvents: 0 }

interface Reads {
  queries: number
  files: FileType[]
}

interface Measured {
  /** Repository files read by opening the repository, as every command does. */
  open: FileType[]
  status: Reads
  list: Reads
  statuses: Awaited<ReturnType<typeof appStatuses>>
}

/** The repository files whose number grows with the snapshots taken. */
const GROWING: FileType[] = ['index', 'snapshot', 'pack']

const platforms: SamplePlatform[] = []
const measured = new Map<ScaleSize, Measured>()

beforeAll(async () => {
  for (const size of [SMALL, LARGER]) {
    const sample = await newScalePlatform(size)
    platforms.push(sample)
    await sample.start(['staff'])
    measured.set(size, await withEnv(sample.env, () => measure(sample)))
  }
}, 120_000)

afterAll(async () => {
  for (const p of platforms) await p.destroy()
})

/** Status of every app, then the list of every snapshot, each counted on its own. */
async function measure(sample: SamplePlatform): Promise<Measured> {
  const opened = await openPlatform(sample.configFile)
  const files: FileType[] = []
  const repository = await Repository.open(opened.config.repository.path, keySource(opened.config), {
    backend: countingLoads(openBackend({ path: opened.config.repository.path }), files),
    readOnly: true,
  })
  let queries = 0
  const counter: KyselyPlugin = {
    transformQuery: (args) => {
      queries++
      return args.node
    },
    transformResult: async (args) => args.result,
  }
  const p: Platform = { ...opened, repository, state: { ...opened.state, db: opened.state.db.withPlugin(counter) } }
  const reads = async <T>(fn: () => Promise<T>): Promise<[T, Reads]> => {
    queries = 0
    files.length = 0
    const result = await fn()
    return [result, { queries, files: [...files] }]
  }
  try {
    const open = [...files]
    const [statuses, status] = await reads(() => appStatuses(p, p.config.apps))
    const [, list] = await reads(async () => withMarks(p, await listSnapshots(p.state.db)))
    return { open, status, list, statuses }
  } finally {
    await repository.close()
    await opened.close()
  }
}

function countingLoads(backend: Backend, loaded: FileType[]): Backend {
  return {
    location: backend.location,
    save: (h, data, opts) => backend.save(h, data, opts),
    load: (h, range) => {
      loaded.push(h.type)
      return backend.load(h, range)
    },
    stat: (h) => backend.stat(h),
    list: (type) => {
      loaded.push(type)
      return backend.list(type)
    },
    remove: (h) => backend.remove(h),
    removeTempFiles: () => backend.removeTempFiles(),
  }
}

describe('status and snapshot list at any scale', () => {
  it('status reads the state in as many queries for more apps, snapshots and runs, and no repository file', () => {
    const small = measured.get(SMALL)!
    const larger = measured.get(LARGER)!
    // Exercised for real: rollback targets found, and the apps that were rolled back show their run.
    expect(larger.statuses.filter((s) => s.lastRollback !== null)).toHaveLength(LARGER.rollbacks)
    expect(larger.statuses.every((s) => s.components[0]!.rollbackTarget !== null)).toBe(true)
    expect(larger.statuses.every((s) => s.health.state === 'passed')).toBe(true)
    expect(larger.status.queries).toBe(small.status.queries)
    expect([...larger.open, ...larger.status.files].filter((t) => GROWING.includes(t))).toEqual([])
  })

  it('snapshot list reads the state in as many queries for more apps and snapshots, and no repository file', () => {
    const small = measured.get(SMALL)!
    const larger = measured.get(LARGER)!
    expect(larger.list.queries).toBe(small.list.queries)
    expect([...larger.open, ...larger.list.files].filter((t) => GROWING.includes(t))).toEqual([])
  })
})
