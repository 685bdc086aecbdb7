import { rm, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import fc from 'fast-check'
import { describe, expect, test } from 'vitest'
import { OperationFailedError } from '../../src/core/errors.js'
import { FsBackend } from '../../src/repository/backends/fs/fs-backend.js'
import { Repository } from '../../src/repository/repository.js'
import { FaultyBackend, errno } from './faulty-backend.js'
import { content, listFiles, manifest, newRepo, sameBytes, snapshot, track, type TestRepo } from './helpers.js'

/** Everything except locks/, which prune's own exclusive lock touches even when it refuses. */
async function dataFiles(dir: string): Promise<string[]> {
  return (await listFiles(dir)).filter((f) => !f.startsWith('locks/'))
}

async function withSnapshots(): Promise<TestRepo & { a: string; b: string; c: string; m1: string; m2: string }> {
  const t = await newRepo({ packSize: 8 * 1024 })
  const a = await t.repo.putBlob('data', content(6000, false))
  const b = await t.repo.putBlob('data', content(6000, false))
  const c = await t.repo.putBlob('data', content(6000, false))
  const m1 = await t.repo.putBlob('tree', manifest([a, b]))
  const m2 = await t.repo.putBlob('tree', manifest([b, c]))
  await t.repo.saveSnapshot(snapshot('s1', [m1]))
  await t.repo.saveSnapshot(snapshot('s2', [m2]))
  return { ...t, a, b, c, m1, m2 }
}

async function expectRefusal(t: TestRepo, r: Repository, pattern: RegExp): Promise<void> {
  const before = await dataFiles(t.dir)
  for (const dryRun of [true, false]) {
    const err = await r.prune({ dryRun }).catch((e: unknown) => e)
    expect(err).toBeInstanceOf(OperationFailedError)
    expect((err as Error).message).toMatch(/nothing was deleted/)
    expect((err as Error).message).toMatch(pattern)
  }
  expect(await dataFiles(t.dir)).toEqual(before)
}

describe('prune', () => {
  test('case 9: prune refuses when the snapshot listing is empty but the index holds data', async () => {
    const t = await withSnapshots()
    await rm(join(t.dir, 'snapshots'), { recursive: true })
    await expectRefusal(t, t.repo, /lists no snapshots/)
  })

  test('case 9: prune refuses when listing snapshots fails', async () => {
    const t = await withSnapshots()
    await t.repo.close()
    const faulty = new FaultyBackend(new FsBackend(t.dir))
    faulty.failList = (type) => (type === 'snapshot' ? errno('EIO', 'input/output error, scandir') : undefined)
    const r = track(await Repository.open(t.dir, t.key, { backend: faulty }))
    await expectRefusal(t, r, /listing snapshots failed \(EIO/)
  })

  test('case 9: prune refuses when a snapshot, a manifest or a needed pack cannot be read', async () => {
    const t = await withSnapshots()
    await writeFile(join(t.dir, 'snapshots', 's2'), 'garbage')
    await expectRefusal(t, t.repo, /snapshot s2 cannot be read/)

    const u = await withSnapshots()
    const loc = (await u.repo.loadIndex()).get(u.m2)!
    await u.repo.close()
    await rm(join(u.dir, 'data', loc.packId.slice(0, 2), loc.packId))
    await expectRefusal(u, await u.reopen(), /manifest .* cannot be read|is missing/)

    const v = await withSnapshots()
    const [idx] = (await listFiles(join(v.dir, 'index'))).map((l) => l.split(' ')[0]!)
    await v.repo.close()
    await writeFile(join(v.dir, 'index', idx!), 'garbage')
    await expectRefusal(v, await v.reopen(), /index file .* is damaged/)
  })

  test('prune removes only what no snapshot needs; dry run reports the same and changes nothing', async () => {
    const t = await withSnapshots()
    await t.repo.removeSnapshot('s1')
    const before = await dataFiles(t.dir)
    const dry = await t.repo.prune({ dryRun: true })
    expect(await dataFiles(t.dir)).toEqual(before)
    const real = await t.repo.prune({ dryRun: false })
    expect({ ...dry, dryRun: false, bytesFreed: 0 }).toEqual({ ...real, bytesFreed: 0 })
    expect(real.blobsRemoved).toBe(2) // a and m1
    expect(real.snapshotsKept).toBe(1)
    expect(real.bytesFreed).toBeGreaterThan(6000)
    expect(Math.abs(dry.bytesFreed - real.bytesFreed)).toBeLessThan(1024)

    const check = async (r: Repository): Promise<void> => {
      expect(await r.hasBlob(t.a)).toBe(false)
      expect(await r.hasBlob(t.m1)).toBe(false)
      for (const id of [t.b, t.c, t.m2]) expect(await r.hasBlob(id)).toBe(true)
      const report = await r.verify({ readData: true })
      expect(report).toMatchObject({ ok: true, problems: [] })
    }
    await check(t.repo)
    await t.repo.close()
    await check(await t.reopen())
  })

  test('a blob stored while prune runs in the same process is not lost to it', async () => {
    const t = await withSnapshots()
    await t.repo.removeSnapshot('s1') // a becomes unreachable
    const data = content(6000, false)
    const orphan = await t.repo.putBlob('data', data)
    await t.repo.flush()
    const pruning = t.repo.prune({ dryRun: false })
    const again = t.repo.putBlob('data', data) // same content as the blob prune is deleting
    expect(await again).toBe(orphan)
    await pruning
    const m = await t.repo.putBlob('tree', manifest([orphan]))
    await t.repo.saveSnapshot(snapshot('s3', [m]))
    await t.repo.close()
    const r = await t.reopen()
    expect(sameBytes(await r.getBlob(orphan), data)).toBe(true)
    expect((await r.verify({ readData: true })).problems).toEqual([])
  })

  test('a second prune finds nothing to do', async () => {
    const t = await withSnapshots()
    await t.repo.removeSnapshot('s2')
    await t.repo.prune({ dryRun: false })
    const files = await dataFiles(t.dir)
    const again = await t.repo.prune({ dryRun: false })
    expect(again).toMatchObject({ blobsRemoved: 0, packsRemoved: 0, packsRewritten: 0, bytesFreed: 0 })
    expect(await dataFiles(t.dir)).toEqual(files)
  })

  test('property: after any removals, prune keeps every blob a remaining snapshot needs and nothing else', async () => {
    const scenario = fc.record({
      sizes: fc.array(fc.integer({ min: 0, max: 3000 }), { minLength: 1, maxLength: 24 }),
      snapshots: fc.array(fc.array(fc.nat(), { maxLength: 8 }), { minLength: 1, maxLength: 5 }),
      removed: fc.array(fc.boolean(), { minLength: 5, maxLength: 5 }),
      packSize: fc.constantFrom(512, 2048, 8192),
    })
    const seen = { rewritten: 0, removed: 0 }
    await fc.assert(
      fc.asyncProperty(scenario, async ({ sizes, snapshots, removed, packSize }) => {
        const t = await newRepo({ packSize })
        const blobs = await Promise.all(
          sizes.map(async (n, i) => {
            const data = content(n, i % 2 === 0, `p${i}`)
            return { id: await t.repo.putBlob('data', data), data }
          }),
        )
        const snaps: { id: string; needs: string[] }[] = []
        for (const [i, picks] of snapshots.entries()) {
          const refs = [...new Set(picks.map((p) => blobs[p % blobs.length]!.id))]
          const m = await t.repo.putBlob('tree', manifest(refs, { n: i }))
          await t.repo.saveSnapshot(snapshot(`s${i}`, [m]))
          snaps.push({ id: `s${i}`, needs: [m, ...refs] })
        }
        const kept = snaps.filter((_, i) => !removed[i] || i === 0)
        for (const s of snaps) if (!kept.includes(s)) await t.repo.removeSnapshot(s.id)
        const report = await t.repo.prune({ dryRun: false })
        seen.rewritten += report.packsRewritten
        seen.removed += report.packsRemoved
        await t.repo.close()

        const r = await t.reopen()
        const needed = new Set(kept.flatMap((s) => s.needs))
        for (const { id, data } of blobs) {
          expect(await r.hasBlob(id)).toBe(needed.has(id))
          if (needed.has(id)) expect(sameBytes(await r.getBlob(id), data)).toBe(true)
        }
        expect((await r.stats()).blobs).toBe(needed.size)
        expect((await r.verify({ readData: true })).problems).toEqual([])
        await r.close()
      }),
      { numRuns: 25 },
    )
    // The scenarios must exercise both paths: packs deleted whole, and mixed packs rewritten.
    expect(seen.rewritten).toBeGreaterThan(0)
    expect(seen.removed).toBeGreaterThan(0)
  })
})
