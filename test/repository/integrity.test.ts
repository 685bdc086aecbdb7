import { readFile, truncate, writeFile, appendFile, readdir, unlink } from 'node:fs/promises'
import { join } from 'node:path'
import { describe, expect, test } from 'vitest'
import { IntegrityError } from '../../src/core/errors.js'
import { seal } from '../../src/repository/crypto/seal.js'
import { aad } from '../../src/repository/format.js'
import { decodeIndexFile, encodeIndexFiles } from '../../src/repository/index/index-file.js'
import { PackBuilder } from '../../src/repository/pack/pack-builder.js'
import type { Repository } from '../../src/repository/repository.js'
import { content, manifest, newRepo, snapshot, type TestRepo } from './helpers.js'
import zstd from 'zstd-napi/binding.js'

/** A repository with one snapshot over a few data blobs, closed; returns the ids and the pack file path. */
async function seeded(): Promise<TestRepo & { data: string[]; m: string }> {
  const t = await newRepo()
  const data: string[] = []
  for (let i = 0; i < 4; i++) data.push(await t.repo.putBlob('data', content(4000, i % 2 === 0, `blob-${i}`)))
  const m = await t.repo.putBlob('tree', manifest(data))
  await t.repo.saveSnapshot(snapshot('s1', [m]))
  await t.repo.close()
  return { ...t, data, m }
}

function packPath(dir: string, packId: string): string {
  return join(dir, 'data', packId.slice(0, 2), packId)
}

async function location(r: Repository, id: string): Promise<{ path: string; offset: number; length: number; packId: string }> {
  const loc = (await r.loadIndex()).get(id)!
  return {
    path: packPath((r.backend as { location: string }).location, loc.packId),
    offset: loc.offset,
    length: loc.length,
    packId: loc.packId,
  }
}

async function flipBit(path: string, at: number): Promise<void> {
  const bytes = await readFile(path)
  bytes[at]! ^= 0x01
  await writeFile(path, bytes)
}

async function integrityErrorOf(p: Promise<unknown>): Promise<IntegrityError> {
  const err = await p.then(
    () => undefined,
    (e: unknown) => e,
  )
  expect(err).toBeInstanceOf(IntegrityError)
  return err as IntegrityError
}

describe('stored data is authenticated on every read', () => {
  for (const [part, at] of [
    ['nonce', (o: number) => o],
    ['ciphertext', (o: number) => o + 12],
    ['ciphertext end', (o: number, l: number) => o + l - 17],
    ['tag', (o: number, l: number) => o + l - 1],
  ] as const) {
    test(`case 1: a one-bit flip in the ${part} of a blob → getBlob refuses and verify names the blob`, async () => {
      const t = await seeded()
      const victim = t.data[1]!
      const r = await t.reopen()
      const loc = await location(r, victim)
      await flipBit(loc.path, at(loc.offset, loc.length))
      const fresh = await t.reopen()
      const err = await integrityErrorOf(fresh.getBlob(victim))
      expect(err.objectId).toBe(victim)
      for (const other of t.data.filter((d) => d !== victim)) await fresh.getBlob(other)

      const report = await fresh.verify({ readData: true })
      expect(report.ok).toBe(false)
      expect(report.problems).toContainEqual(expect.objectContaining({ object: victim, kind: 'damaged', snapshot: 's1' }))
      expect(report.problems).toContainEqual(expect.objectContaining({ object: loc.packId, kind: 'damaged' }))
      // Without reading data the pack still has its size: the cheap check cannot see a flipped bit.
      expect((await fresh.verify({ readData: false })).ok).toBe(true)
    })
  }

  test('case 1: a flipped bit in a snapshot file or an index file is named by verify', async () => {
    const t = await seeded()
    await flipBit(join(t.dir, 'snapshots', 's1'), 20)
    const r = await t.reopen()
    await integrityErrorOf(r.loadSnapshot('s1'))
    const report = await r.verify({ readData: false })
    expect(report.problems).toContainEqual(expect.objectContaining({ object: 's1', kind: 'damaged', snapshot: 's1' }))

    const u = await seeded()
    const [indexName] = await readdir(join(u.dir, 'index'))
    await flipBit(join(u.dir, 'index', indexName!), 30)
    const ru = await u.reopen() // a damaged index does not stop the others from being read
    const ur = await ru.verify({ readData: false })
    expect(ur.ok).toBe(false)
    expect(ur.problems).toContainEqual(expect.objectContaining({ object: `index/${indexName}`, kind: 'damaged' }))
    expect(ur.problems).toContainEqual(expect.objectContaining({ object: u.m, kind: 'missing', snapshot: 's1' }))
  })

  test('case 2: a pack truncated, emptied, or with bytes appended is rejected', async () => {
    const damages: [string, (p: string) => Promise<void>][] = [
      ['truncated', async (p) => truncate(p, (await readFile(p)).length - 1)],
      ['emptied', async (p) => truncate(p, 0)],
      ['extended', async (p) => appendFile(p, Buffer.from('trailing garbage'))],
      ['deleted', async (p) => unlink(p)],
    ]
    for (const [what, damage] of damages) {
      const t = await seeded()
      const r = await t.reopen()
      const loc = await location(r, t.data[0]!)
      await r.close()
      await damage(loc.path)
      const fresh = await t.reopen()
      const err = await integrityErrorOf(fresh.getBlob(t.data[0]!))
      expect(err.objectId, what).toBe(t.data[0])
      for (const readData of [false, true]) {
        const report = await fresh.verify({ readData })
        expect(report.ok, `${what} readData=${readData}`).toBe(false)
        expect(report.problems, what).toContainEqual(expect.objectContaining({ object: loc.packId, snapshot: 's1' }))
      }
    }
  })

  test('case 2: a truncated snapshot file is rejected', async () => {
    const t = await seeded()
    await truncate(join(t.dir, 'snapshots', 's1'), 10)
    const r = await t.reopen()
    await integrityErrorOf(r.loadSnapshot('s1'))
  })

  test('case 3: two valid blobs swapped inside a pack both fail authentication', async () => {
    const t = await newRepo()
    const a = await t.repo.putBlob('data', content(5000, false))
    const b = await t.repo.putBlob('data', content(5000, false))
    const m = await t.repo.putBlob('tree', manifest([a, b]))
    await t.repo.saveSnapshot(snapshot('s1', [m]))
    const la = await location(t.repo, a)
    const lb = await location(t.repo, b)
    expect(la.length).toBe(lb.length)
    const bytes = await readFile(la.path)
    const blobA = Buffer.from(bytes.subarray(la.offset, la.offset + la.length))
    bytes.copy(bytes, la.offset, lb.offset, lb.offset + lb.length)
    blobA.copy(bytes, lb.offset)
    await writeFile(la.path, bytes)
    const r = await t.reopen()
    expect((await integrityErrorOf(r.getBlob(a))).objectId).toBe(a)
    expect((await integrityErrorOf(r.getBlob(b))).objectId).toBe(b)
    const report = await r.verify({ readData: true })
    expect(report.problems.map((p) => p.object)).toEqual(expect.arrayContaining([a, b]))
  })

  test("case 3: index entries pointing at each other's blobs, or at the wrong type, fail authentication", async () => {
    const t = await seeded()
    const r = await t.reopen()
    const [indexName] = await readdir(join(t.dir, 'index'))
    const packs = decodeIndexFile(indexName!, await readFile(join(t.dir, 'index', indexName!)), r.dataKey)
    const blobs = packs[0]!.blobs
    const [x, y] = [blobs.find((e) => e.id === t.data[0])!, blobs.find((e) => e.id === t.data[1])!]
    ;[x.offset, y.offset, x.length, y.length] = [y.offset, x.offset, y.length, x.length]
    const rawX = x.rawLength
    x.rawLength = y.rawLength
    y.rawLength = rawX
    const tree = blobs.find((e) => e.id === t.m)!
    tree.type = 'data'
    await r.close()
    const [file] = encodeIndexFiles(packs, r.dataKey)
    await unlink(join(t.dir, 'index', indexName!))
    await writeFile(join(t.dir, 'index', file!.id), file!.bytes)

    const fresh = await t.reopen()
    for (const id of [t.data[0]!, t.data[1]!, t.m]) {
      const err = await integrityErrorOf(fresh.getBlob(id))
      expect(err.objectId).toBe(id)
      expect(err.message).toMatch(/failed authentication/)
    }
    await fresh.getBlob(t.data[2]!)
    const report = await fresh.verify({ readData: true })
    expect(report.ok).toBe(false)
    expect(report.problems).toContainEqual(expect.objectContaining({ object: t.m, kind: 'damaged', snapshot: 's1' }))
  })

  test('case 3: a snapshot file copied under another id is refused', async () => {
    const t = await seeded()
    await writeFile(join(t.dir, 'snapshots', 's2'), await readFile(join(t.dir, 'snapshots', 's1')))
    const r = await t.reopen()
    expect((await integrityErrorOf(r.loadSnapshot('s2'))).objectId).toBe('s2')
    await r.loadSnapshot('s1')
  })

  test('case 6: a decompression bomb whose recorded size lies is refused within limits', async () => {
    const t = await newRepo()
    const r = t.repo
    const huge = Buffer.alloc(200 * 1024 * 1024) // 200 MiB of zeros: a few KiB compressed
    const dst = Buffer.allocUnsafe(zstd.compressBound(huge.length))
    const compressed = dst.subarray(0, zstd.compress(dst, huge, 3))
    const { createHash } = await import('node:crypto')
    const id = createHash('sha256').update(huge).digest('hex')
    const sealed = seal(r.dataKey, aad.blob('data', id), Buffer.of(1), compressed)

    const lies = [1000, 200 * 1024 * 1024] // small claim: output buffer too small; big claim: above the cap
    const builder = new PackBuilder()
    builder.add(id, 'data', sealed, lies[0]!)
    const pack = builder.finish(r.dataKey)
    await r.backend.save({ type: 'pack', name: pack.id }, pack.bytes)
    for (const rawLength of lies) {
      const [file] = encodeIndexFiles([{ id: pack.id, size: pack.bytes.length, blobs: [{ ...pack.entries[0]!, rawLength }] }], r.dataKey)
      await r.backend.save({ type: 'index', name: file!.id }, file!.bytes)
      const fresh = await t.reopen()
      const before = process.memoryUsage().arrayBuffers
      const err = await integrityErrorOf(fresh.getBlob(id))
      expect(err.objectId).toBe(id)
      expect(err.message).toMatch(rawLength > 64 * 1024 * 1024 ? /above the .*limit/ : /does not decompress to 1000 bytes/)
      expect(process.memoryUsage().arrayBuffers - before).toBeLessThan(16 * 1024 * 1024)
      await fresh.close()
      await unlink(join(t.dir, 'index', file!.id))
    }
  })

  test('a blob above the size limit is refused on write', async () => {
    const t = await newRepo()
    await expect(t.repo.putBlob('data', Buffer.alloc(64 * 1024 * 1024 + 1))).rejects.toThrow(/split it into chunks/)
  })
})
