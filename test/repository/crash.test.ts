import { spawnSync } from 'node:child_process'
import { mkdir, readdir, writeFile } from 'node:fs/promises'
import { hostname } from 'node:os'
import { join } from 'node:path'
import { describe, expect, test } from 'vitest'
import type { WriteIo } from '../../src/repository/backends/fs/atomic-write.js'
import { FsBackend } from '../../src/repository/backends/fs/fs-backend.js'
import { Repository } from '../../src/repository/repository.js'
import { FaultyBackend, errno } from './faulty-backend.js'
import { content, filesIn, listFiles, manifest, newRepo, sameBytes, snapshot, track, type TestRepo } from './helpers.js'

/** A repository with one good snapshot whose data the faults below must never disturb. */
async function healthy(): Promise<TestRepo & { kept: Map<string, Buffer> }> {
  const t = await newRepo({ packSize: 16 * 1024 })
  const kept = new Map<string, Buffer>()
  for (let i = 0; i < 10; i++) {
    const d = content(5000, i % 2 === 0)
    kept.set(await t.repo.putBlob('data', d), d)
  }
  await t.repo.saveSnapshot(snapshot('good', [await t.repo.putBlob('tree', manifest([...kept.keys()]))]))
  await t.repo.close()
  return { ...t, kept }
}

/** Fails writes whose target path matches, after writing half of the bytes, as a full disk does, until healed. */
function diskFullFor(match: RegExp): WriteIo & { heal(): void } {
  let full = true
  return {
    write: async (fh, data, target) => {
      if (!full || !match.test(target)) return void (await fh.writeFile(data))
      await fh.write(data.subarray(0, data.length >> 1))
      throw errno('ENOSPC', 'no space left on device, write')
    },
    sync: (fh) => fh.sync(),
    heal: () => {
      full = false
    },
  }
}

/** What a healthy repository must still be after any of the faults below. */
async function expectIntact(t: TestRepo & { kept: Map<string, Buffer> }): Promise<Repository> {
  const r = await t.reopen()
  expect(await r.listSnapshots()).toEqual(['good'])
  for (const [id, d] of t.kept) expect(sameBytes(await r.getBlob(id), d)).toBe(true)
  const report = await r.verify({ readData: true })
  expect(report.ok).toBe(true)
  expect(report.problems.filter((p) => p.kind !== 'unreferenced')).toEqual([])
  return r
}

/** A pid that certainly belonged to a process that has exited. */
function deadPid(): number {
  return spawnSync(process.execPath, ['-e', ''], { stdio: 'ignore' }).pid
}

describe('crashes and write failures', () => {
  test('leftover temp files are invisible, harmless, and removed by prune', async () => {
    const t = await healthy()
    const before = await listFiles(t.dir)
    const temps = ['.tmp-1', 'index/.tmp-2', 'snapshots/.tmp-3', 'data/ab/.tmp-4', 'locks/.tmp-5', 'keys/.tmp-6']
    for (const f of temps) {
      await mkdir(join(t.dir, f, '..'), { recursive: true })
      await writeFile(join(t.dir, f), 'half an object')
    }
    const r = await expectIntact(t)
    expect((await r.verify({ readData: true })).problems).toEqual([])
    const report = await r.prune({ dryRun: false })
    expect(report.tempFilesRemoved).toBe(temps.length)
    await r.close()
    expect(await listFiles(t.dir)).toEqual(before)
  })

  test('case 8: ENOSPC while writing a pack → flush and saveSnapshot fail, nothing half-visible, repository still verifies', async () => {
    const t = await healthy()
    const packsBefore = await filesIn(t.dir, 'data')
    const r = track(
      await Repository.open(t.dir, t.key, { backend: new FsBackend(t.dir, { io: diskFullFor(/\/data\//) }), packSize: 16 * 1024 }),
    )
    const fresh: string[] = []
    for (let i = 0; i < 8; i++) fresh.push(await r.putBlob('data', content(5000, false)).catch(() => 'failed'))
    await expect(r.flush()).rejects.toThrow(/ENOSPC/)
    const m = await r.putBlob('tree', manifest(fresh.filter((f) => f !== 'failed')))
    await expect(r.saveSnapshot(snapshot('doomed', [m]))).rejects.toThrow(/ENOSPC/)
    await expect(r.close()).rejects.toThrow(/ENOSPC/)
    expect(await readdir(join(t.dir, 'locks'))).toEqual([]) // the lock is released even so
    expect(await filesIn(t.dir, 'data')).toEqual(packsBefore)
    await expectIntact(t)
  })

  test('case 8: ENOSPC while writing the index → no new blob is visible; a retry after space returns succeeds', async () => {
    const t = await healthy()
    const indexBefore = await filesIn(t.dir, 'index')
    const disk = diskFullFor(/\/index\//)
    const r = track(await Repository.open(t.dir, t.key, { backend: new FsBackend(t.dir, { io: disk }) }))
    const data = content(20_000, true)
    const id = await r.putBlob('data', data)
    await expect(r.flush()).rejects.toThrow(/ENOSPC/)
    expect(await filesIn(t.dir, 'index')).toEqual(indexBefore)

    // A crash now: another process sees the pack as unreferenced, never the blob.
    const other = await expectIntact(t)
    expect(await other.hasBlob(id)).toBe(false)
    const report = await other.verify({ readData: false })
    expect(report.problems).toEqual([expect.objectContaining({ kind: 'unreferenced' })])
    await other.close()

    // Space returns: the same session writes the index it owes.
    disk.heal()
    await r.flush()
    await r.close()
    const after = await expectIntact(t)
    expect(sameBytes(await after.getBlob(id), data)).toBe(true)
  })

  test('case 8: a backend that fails mid-session (EIO on pack save) leaves the repository consistent', async () => {
    const t = await healthy()
    const faulty = new FaultyBackend(new FsBackend(t.dir))
    let packs = 0
    faulty.failSave = (h) => (h.type === 'pack' && ++packs > 2 ? errno('EIO', 'input/output error') : undefined)
    const r = track(await Repository.open(t.dir, t.key, { backend: faulty, packSize: 8 * 1024 }))
    const ids: string[] = []
    for (let i = 0; i < 12; i++) ids.push(await r.putBlob('data', content(6000, false)).catch(() => ''))
    await expect(r.flush()).rejects.toThrow(/EIO/)
    await expect(r.close()).rejects.toThrow(/EIO/)
    await expectIntact(t)
  })

  test('a crashed writer (dead pid) leaves packs without index: invisible, reported unreferenced, removed by prune', async () => {
    const t = await healthy()
    const faulty = new FaultyBackend(new FsBackend(t.dir))
    faulty.failSave = (h) => (h.type === 'index' ? errno('EIO') : undefined)
    const r = await Repository.open(t.dir, t.key, { backend: faulty })
    await r.putBlob('data', content(50_000, false))
    await expect(r.flush()).rejects.toThrow(/EIO/)
    // "Crash": the process never closes. Its lock names a pid that is gone.
    const [lockName] = await readdir(join(t.dir, 'locks'))
    await writeFile(
      join(t.dir, 'locks', lockName!),
      JSON.stringify({ exclusive: false, host: hostname(), pid: deadPid(), user: 'x', time: new Date().toISOString() }),
    )

    const after = await expectIntact(t)
    const report = await after.prune({ dryRun: false })
    expect(report.unindexedPacksRemoved).toBe(1)
    expect(report.bytesFreed).toBeGreaterThan(50_000)
    expect((await after.verify({ readData: true })).problems).toEqual([])
    expect(await readdir(join(t.dir, 'locks'))).toHaveLength(1) // only `after`'s own
  })
})
