import { describe, expect, test } from 'vitest'
import { content, manifest, newRepo, sameBytes, snapshot } from './helpers.js'

describe('several writers at once', () => {
  test('two sessions storing overlapping content both succeed; prune keeps one copy of each blob', async () => {
    const t = await newRepo({ packSize: 16 * 1024 })
    const other = await t.reopen()
    const shared = Array.from({ length: 10 }, (_, i) => content(4000, i % 2 === 0, `shared-${i}`))
    const own = [0, 1].map((w) => Array.from({ length: 5 }, (_, i) => content(4000, false, `own-${w}-${i}`)))
    const write = async (r: typeof t.repo, w: number): Promise<string[]> => {
      const ids = await Promise.all([...shared, ...own[w]!].map((d) => r.putBlob('data', d)))
      await r.saveSnapshot(snapshot(`w${w}`, [await r.putBlob('tree', manifest(ids, { writer: w }))]))
      return ids
    }
    const [a, b] = await Promise.all([write(t.repo, 0), write(other, 1)])
    await other.close()
    await t.repo.close()

    const r = await t.reopen()
    expect(await r.listSnapshots()).toEqual(['w0', 'w1'])
    const copies = [...(await r.loadIndex()).packs.values()].flatMap((p) => p.blobs.map((e) => e.id))
    expect(copies.length).toBeGreaterThan(new Set(copies).size) // each session stored the shared blobs itself
    const expected = new Map<string, Buffer>()
    ;[...shared, ...own[0]!].forEach((d, i) => expected.set(a[i]!, d))
    ;[...shared, ...own[1]!].forEach((d, i) => expected.set(b[i]!, d))
    const report = await r.prune({ dryRun: false })
    expect(report.blobsRemoved).toBe(copies.length - new Set(copies).size)
    const after = [...(await r.loadIndex()).packs.values()].flatMap((p) => p.blobs.map((e) => e.id))
    expect(after.length).toBe(new Set(after).size)
    expect((await r.verify({ readData: true })).problems).toEqual([])
    for (const [id, d] of expected) expect(sameBytes(await r.getBlob(id), d)).toBe(true)
  })

  test('a session open for long reads blobs another session stored after it opened', async () => {
    const t = await newRepo({ packSize: 16 * 1024 })
    const longLived = await t.reopen()
    const data = content(5000, false, 'later')
    const id = await t.repo.putBlob('data', data)
    await t.repo.flush()
    expect(sameBytes(await longLived.getBlob(id), data)).toBe(true)
    await expect(longLived.getBlob('0'.repeat(64))).rejects.toThrow(/is not in repository/)
    await longLived.close()
    await t.repo.close()
  })

  test('verify of chosen snapshots checks only what they need, and names the snapshot', async () => {
    const t = await newRepo({ packSize: 1024 })
    const x = await t.repo.putBlob('data', content(3000, false))
    const y = await t.repo.putBlob('data', content(3000, false))
    await t.repo.saveSnapshot(snapshot('sx', [await t.repo.putBlob('tree', manifest([x]))]))
    await t.repo.saveSnapshot(snapshot('sy', [await t.repo.putBlob('tree', manifest([y]))]))
    const { rm } = await import('node:fs/promises')
    const { join } = await import('node:path')
    const packY = (await t.repo.loadIndex()).get(y)!.packId
    await rm(join(t.dir, 'data', packY.slice(0, 2), packY))

    expect((await t.repo.verify({ snapshotIds: ['sx'], readData: true })).ok).toBe(true)
    const onlyY = await t.repo.verify({ snapshotIds: ['sy'], readData: false })
    expect(onlyY.ok).toBe(false)
    expect(onlyY.problems).toContainEqual(expect.objectContaining({ object: packY, kind: 'missing', snapshot: 'sy' }))
    expect(onlyY.problems).toContainEqual(expect.objectContaining({ object: y, kind: 'missing', snapshot: 'sy' }))
    const unknown = await t.repo.verify({ snapshotIds: ['nope'], readData: false })
    expect(unknown.problems).toEqual([expect.objectContaining({ object: 'nope', kind: 'missing' })])
  })
})
