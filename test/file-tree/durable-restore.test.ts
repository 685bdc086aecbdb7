import { randomBytes } from 'node:crypto'
import { existsSync } from 'node:fs'
import { chmod, mkdir, symlink, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { mapBounded } from '../../src/core/bounded-map.js'
import { captureTree } from '../../src/file-tree/capture-tree.js'
import { materialiseTree } from '../../src/file-tree/materialise-tree.js'
import { durability, reportsErrors, syncFilesystem } from '../../src/file-tree/sync-filesystem.js'
import { CHUNK_SIZE } from '../../src/file-tree/tree-entry.js'
import { MemoryBlobStore } from '../helpers/memory-blob-store.js'
import { describeTree, useTempDirs } from '../providers/fixtures.js'

const tempDir = useTempDirs()

describe('a restore is durable before it is visible, by one syncfs or by an fsync of each file', () => {
  it.each(['syncfs', 'fsync'] as const)('%s: writes the same tree, many small files and a big one, modes included', async (mode) => {
    const base = await tempDir()
    const source = join(base, 'source')
    await mkdir(join(source, 'deep/er'), { recursive: true })
    for (let i = 0; i < 300; i++) await writeFile(join(source, 'deep', `f${i}.txt`), `file ${i}\n`.repeat(i), { mode: 0o640 })
    await writeFile(join(source, 'deep/er/big.bin'), randomBytes(CHUNK_SIZE + 12345))
    await writeFile(join(source, 'run.sh'), '#!/bin/sh\n', { mode: 0o755 })
    await writeFile(join(source, 'empty'), '')
    await symlink('deep/er/big.bin', join(source, 'link'))
    await chmod(join(source, 'deep/er'), 0o555)
    const blobs = new MemoryBlobStore()
    const tree = await captureTree(source, blobs)
    const dest = join(base, 'dest')
    await materialiseTree(tree.entries, dest, blobs, { durability: mode })
    const restored = await describeTree(dest)
    const original = await describeTree(source)
    expect({ ...restored, '': undefined }).toEqual({ ...original, '': undefined })
    await chmod(join(source, 'deep/er'), 0o755)
    await chmod(join(dest, 'deep/er'), 0o755)
  })

  it('uses syncfs only where it reports writeback errors (Linux 5.8 on) and `sync -f` works', async () => {
    expect(reportsErrors('6.18.44-fc-v669')).toBe(true)
    expect(reportsErrors('5.8.0')).toBe(true)
    expect(reportsErrors('5.7.19-generic')).toBe(false)
    expect(reportsErrors('4.18.0-553.el8_10.x86_64')).toBe(false)
    expect(reportsErrors('not a version')).toBe(false)
    expect(['syncfs', 'fsync']).toContain(await durability())
  })

  it('a failed syncfs is an error that names the directory', async () => {
    const base = await tempDir()
    await expect(syncFilesystem(join(base, 'missing'))).rejects.toThrow(/durable failed.*missing/)
  })

  it('a failure while writing removes the destination: it is whole or absent', async () => {
    const base = await tempDir()
    const source = join(base, 'source')
    await mkdir(source)
    for (let i = 0; i < 100; i++) await writeFile(join(source, `f${i}`), `content ${i}`)
    const blobs = new MemoryBlobStore()
    const tree = await captureTree(source, blobs)
    const victim = tree.entries.find((e) => e.path === 'f57')!
    if (victim.type === 'file') blobs.tamper(victim.content[0]!, Buffer.from('damaged'))
    const dest = join(base, 'dest')
    await expect(materialiseTree(tree.entries, dest, blobs)).rejects.toThrow(/damaged/)
    expect(existsSync(dest)).toBe(false)
  })
})

describe('mapBounded', () => {
  it('keeps item order, never exceeds its bounds, and lets an item heavier than the budget run alone', async () => {
    let running = 0
    let weight = 0
    let most = { running: 0, weight: 0 }
    const items = [5, 1, 1, 30, 1, 2, 8, 1, 1, 1]
    const out = await mapBounded(
      items,
      async (w, i) => {
        running++
        weight += w
        most = { running: Math.max(most.running, running), weight: Math.max(most.weight, weight) }
        await new Promise((r) => setTimeout(r, (items.length - i) * 2))
        running--
        weight -= w
        return i * 10
      },
      { concurrency: 3, maxWeight: 10, weight: (w) => w },
    )
    expect(out).toEqual(items.map((_, i) => i * 10))
    expect(most.running).toBeLessThanOrEqual(3)
    expect(most.weight).toBe(30)
  })

  it('starts nothing after a failure, waits for what runs, and throws the first failure', async () => {
    const started: number[] = []
    let settledAfter = 0
    const err = await mapBounded(
      [0, 1, 2, 3, 4, 5, 6, 7],
      async (i) => {
        started.push(i)
        if (i === 1) throw new Error('one failed')
        await new Promise((r) => setTimeout(r, 20))
        settledAfter++
        if (i === 2) throw new Error('a later failure')
      },
      { concurrency: 3 },
    ).catch((e: unknown) => e)
    expect((err as Error).message).toBe('one failed')
    expect(started).toEqual([0, 1, 2])
    expect(settledAfter).toBe(2)
  })
})
