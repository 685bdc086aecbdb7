import { describe, expect, test } from 'vitest'
import { IntegrityError, UserError } from '../../src/core/errors.js'
import { Repository } from '../../src/repository/repository.js'
import { content, manifest, newRepo, sameBytes, snapshot } from './helpers.js'

describe('repository round trip', () => {
  test('many blobs of mixed sizes survive close and reopen, across many packs', async () => {
    const t = await newRepo({ packSize: 64 * 1024 })
    const blobs = new Map<string, Buffer>()
    for (let i = 0; i < 400; i++) {
      const data = content((i * 997) % 20_000, i % 3 !== 0)
      blobs.set(await t.repo.putBlob('data', data), data)
    }
    // readable before flush, from the packs still in memory or already written
    for (const [id, data] of blobs) expect(sameBytes(await t.repo.getBlob(id), data)).toBe(true)
    await t.repo.close()

    const r = await t.reopen()
    const stats = await r.stats()
    expect(stats.blobs).toBe(blobs.size)
    expect(stats.packs).toBeGreaterThan(5)
    for (const [id, data] of blobs) {
      expect(await r.hasBlob(id)).toBe(true)
      expect(sameBytes(await r.getBlob(id), data)).toBe(true)
    }
  })

  test('concurrent putBlob calls store each content once', async () => {
    const t = await newRepo({ packSize: 32 * 1024 })
    const datas = Array.from({ length: 200 }, (_, i) => content(3000, i % 2 === 0, `seed-${i % 50}`))
    const ids = await Promise.all(datas.map((d) => t.repo.putBlob('data', d)))
    await t.repo.flush()
    expect(new Set(ids).size).toBe((await t.repo.stats()).blobs)
    for (let i = 0; i < ids.length; i++) expect(sameBytes(await t.repo.getBlob(ids[i]!), datas[i]!)).toBe(true)
  })

  test('the same content stored twice costs nothing more, within and across sessions', async () => {
    const t = await newRepo()
    const data = content(1024 * 1024, false)
    const a = await t.repo.putBlob('data', data)
    await t.repo.flush()
    const before = await t.repo.stats()
    expect(await t.repo.putBlob('data', Buffer.from(data))).toBe(a)
    await t.repo.flush()
    expect(await t.repo.stats()).toEqual(before)
    await t.repo.close()

    const r = await t.reopen()
    expect(await r.putBlob('data', data)).toBe(a)
    await r.flush()
    expect(await r.stats()).toEqual(before)
  })

  test('compressible data is stored compressed, random data raw', async () => {
    const t = await newRepo()
    await t.repo.putBlob('data', content(1024 * 1024, true))
    await t.repo.flush()
    expect((await t.repo.stats()).packBytes).toBeLessThan(64 * 1024)
    const u = await newRepo()
    await u.repo.putBlob('data', content(1024 * 1024, false))
    await u.repo.flush()
    expect((await u.repo.stats()).packBytes).toBeLessThan(1024 * 1024 + 1024)
  })

  test('empty and tiny blobs round-trip', async () => {
    const t = await newRepo()
    const empty = await t.repo.putBlob('data', new Uint8Array(0))
    const one = await t.repo.putBlob('tree', Buffer.from('x'))
    await t.repo.close()
    const r = await t.reopen()
    expect((await r.getBlob(empty)).length).toBe(0)
    expect(Buffer.from(await r.getBlob(one)).toString()).toBe('x')
  })

  test('snapshots are saved, listed, loaded and removed; saving is idempotent', async () => {
    const t = await newRepo()
    const d = await t.repo.putBlob('data', content(5000, true))
    const m = await t.repo.putBlob('tree', manifest([d]))
    const s = { ...snapshot('staff-20260101-000000-abcd', [m]), meta: { label: 'before deploy' } }
    await t.repo.saveSnapshot(s)
    await t.repo.saveSnapshot(s)
    await expect(t.repo.saveSnapshot({ ...s, kind: 'other' })).rejects.toThrow(UserError)
    await t.repo.close()

    const r = await t.reopen()
    expect(await r.listSnapshots()).toEqual([s.id])
    expect(await r.loadSnapshot(s.id)).toEqual(s)
    await expect(r.loadSnapshot('nope')).rejects.toThrow(UserError)
    await expect(r.loadSnapshot('../etc/passwd')).rejects.toThrow(/invalid snapshot id/)
    await r.removeSnapshot(s.id)
    await r.removeSnapshot(s.id)
    expect(await r.listSnapshots()).toEqual([])
  })

  test('a snapshot whose manifest or data was never stored is refused', async () => {
    const t = await newRepo()
    const missing = 'a'.repeat(64)
    await expect(t.repo.saveSnapshot(snapshot('s1', [missing]))).rejects.toThrow(IntegrityError)
    const m = await t.repo.putBlob('tree', manifest([missing]))
    await expect(t.repo.saveSnapshot(snapshot('s2', [m]))).rejects.toThrow(/needed by component c0/)
    expect(await t.repo.listSnapshots()).toEqual([])
  })

  test('an unknown blob is an IntegrityError naming it', async () => {
    const t = await newRepo()
    const id = 'b'.repeat(64)
    const err = await t.repo.getBlob(id).catch((e: unknown) => e)
    expect(err).toBeInstanceOf(IntegrityError)
    expect((err as IntegrityError).objectId).toBe(id)
  })

  test('init refuses an existing repository; open refuses a directory that is not one', async () => {
    const t = await newRepo()
    expect(await Repository.exists(t.dir)).toBe(true)
    expect(await Repository.exists(`${t.dir}-nothing`)).toBe(false)
    await expect(Repository.init(t.dir, t.key)).rejects.toThrow(/already a lastgood repository/)
    await expect(Repository.open(`${t.dir}-nothing`, t.key)).rejects.toThrow(/run lastgood init/)
    await expect(Repository.open(`${t.dir}-nothing`, t.key)).rejects.toThrow(UserError)
  })

  test('read-only: no lock is taken, reads work, writes are refused', async () => {
    const t = await newRepo()
    const d = await t.repo.putBlob('data', content(5000, true))
    await t.repo.saveSnapshot(snapshot('s1', [await t.repo.putBlob('tree', manifest([d]))]))
    await t.repo.close()
    const { readdir } = await import('node:fs/promises')
    const { join } = await import('node:path')
    const r = await t.reopen({ readOnly: true })
    expect(await readdir(join(t.dir, 'locks'))).toEqual([])
    expect((await r.getBlob(d)).length).toBe(5000)
    expect((await r.verify({ readData: true })).ok).toBe(true)
    await expect(r.putBlob('data', Buffer.from('x'))).rejects.toThrow(/read-only/)
    await expect(r.prune({ dryRun: true })).rejects.toThrow(/read-only/)
    await r.close()
  })

  test('a bad compression level is a UserError', async () => {
    const t = await newRepo()
    await expect(t.reopen({ compressionLevel: 99 })).rejects.toThrow(UserError)
  })
})
