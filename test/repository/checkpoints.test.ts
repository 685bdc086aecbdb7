import { mkdir, readdir, readFile, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { describe, expect, test } from 'vitest'
import { IntegrityError, UserError } from '../../src/core/errors.js'
import { FsBackend } from '../../src/repository/backends/fs/fs-backend.js'
import { checkpointId } from '../../src/repository/checkpoint-store.js'
import { Repository } from '../../src/repository/repository.js'
import { FaultyBackend, errno } from './faulty-backend.js'
import { content, manifest, newRepo, snapshot, track } from './helpers.js'

const hash = (c: string) => c.repeat(64)
const cp = (seq: number, h = hash('a'), ts = '2026-11-26T04:00:00.000Z') => ({ seq, hash: h, ts, events: seq })

describe('repository checkpoints', () => {
  test('saved, listed by seq and authenticated; the id is derived from seq and hash', async () => {
    const t = await newRepo()
    const { checkpoint, sealed } = await t.repo.saveCheckpoint(cp(12, hash('b')))
    await t.repo.saveCheckpoint(cp(3))
    expect(checkpoint.id).toBe(`000000000012-${'b'.repeat(16)}`)
    expect(checkpointId(checkpoint)).toBe(checkpoint.id)
    expect(Buffer.from(await readFile(join(t.dir, 'checkpoints', checkpoint.id)))).toEqual(sealed)
    const listed = await (await t.reopen({ readOnly: true })).listCheckpoints()
    expect(listed).toEqual({ checkpoints: [{ id: checkpointId(cp(3)), ...cp(3) }, checkpoint], damaged: [] })
    expect(t.repo.openCheckpoint(checkpoint.id, sealed)).toEqual(checkpoint)
  })

  test('saving the same head again is a no-op that returns the first one; a file is never replaced', async () => {
    const t = await newRepo()
    const first = await t.repo.saveCheckpoint(cp(5))
    const before = await readFile(join(t.dir, 'checkpoints', first.checkpoint.id))
    const again = await t.repo.saveCheckpoint(cp(5, hash('a'), '2027-01-01T00:00:00.000Z'))
    expect(again.checkpoint).toEqual(first.checkpoint)
    expect(await readFile(join(t.dir, 'checkpoints', first.checkpoint.id))).toEqual(before)
    // Another head at the same seq (a rewritten log) is another file beside it.
    await t.repo.saveCheckpoint(cp(5, hash('c')))
    expect((await t.repo.listCheckpoints()).checkpoints.map((c) => c.hash[0])).toEqual(['a', 'c'])
  })

  test('a damaged file under the id is not overwritten: saving fails and listing reports it', async () => {
    const t = await newRepo()
    const id = checkpointId(cp(7))
    await mkdir(join(t.dir, 'checkpoints'), { recursive: true })
    await writeFile(join(t.dir, 'checkpoints', id), 'garbage')
    await expect(t.repo.saveCheckpoint(cp(7))).rejects.toBeInstanceOf(IntegrityError)
    expect(await readFile(join(t.dir, 'checkpoints', id), 'utf8')).toBe('garbage')
    expect((await t.repo.listCheckpoints()).damaged).toEqual([{ id, message: expect.stringContaining('failed authentication') }])
  })

  test('a malformed checkpoint is refused before anything is written; read-only opens cannot save', async () => {
    const t = await newRepo()
    for (const bad of [cp(0), cp(1.5), cp(2, 'xyz'), { ...cp(2), ts: 'yesterday' }, { ...cp(2), events: -1 }]) {
      await expect(t.repo.saveCheckpoint(bad)).rejects.toBeInstanceOf(UserError)
    }
    expect(await readdir(t.dir)).not.toContain('checkpoints')
    await expect((await t.reopen({ readOnly: true })).saveCheckpoint(cp(1))).rejects.toThrow(/read-only/)
  })

  test('a checkpoint from another repository (another key) fails like a forgery', async () => {
    const a = await newRepo()
    const b = await newRepo()
    const { checkpoint, sealed } = await a.repo.saveCheckpoint(cp(4))
    await mkdir(join(b.dir, 'checkpoints'))
    await writeFile(join(b.dir, 'checkpoints', checkpoint.id), sealed)
    expect((await b.repo.listCheckpoints()).damaged.map((d) => d.id)).toEqual([checkpoint.id])
    expect(() => b.repo.openCheckpoint(checkpoint.id, sealed)).toThrow(IntegrityError)
  })

  test('listing fails loudly, never as "no checkpoints"', async () => {
    const t = await newRepo()
    await t.repo.saveCheckpoint(cp(1))
    await t.repo.close()
    const faulty = new FaultyBackend(new FsBackend(t.dir))
    faulty.failList = (type) => (type === 'checkpoint' ? errno('EIO') : undefined)
    const r = track(await Repository.open(t.dir, t.key, { backend: faulty }))
    await expect(r.listCheckpoints()).rejects.toThrow(/EIO/)
  })

  test('prune never deletes a checkpoint, and removes interrupted checkpoint writes', async () => {
    const t = await newRepo({ packSize: 8 * 1024 })
    const a = await t.repo.putBlob('data', content(6000, false))
    await t.repo.putBlob('data', content(6000, false))
    await t.repo.saveSnapshot(snapshot('s1', [await t.repo.putBlob('tree', manifest([a]))]))
    for (let seq = 1; seq <= 3; seq++) await t.repo.saveCheckpoint(cp(seq))
    await writeFile(join(t.dir, 'checkpoints', '.tmp-half'), 'half a checkpoint')
    const before = (await readdir(join(t.dir, 'checkpoints'))).filter((n) => !n.startsWith('.tmp-')).sort()
    const report = await t.repo.prune({ dryRun: false })
    expect(report.blobsRemoved).toBeGreaterThan(0)
    expect(report.tempFilesRemoved).toBe(1)
    expect((await readdir(join(t.dir, 'checkpoints'))).sort()).toEqual(before)
    expect((await t.repo.listCheckpoints()).checkpoints).toHaveLength(3)
  })
})
