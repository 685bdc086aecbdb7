import { randomBytes } from 'node:crypto'
import { chmod, mkdir, symlink, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { captureTree } from '../../src/file-tree/capture-tree.js'
import { compareTree, treeMatches } from '../../src/file-tree/compare-tree.js'
import { materialiseTree } from '../../src/file-tree/materialise-tree.js'
import { CHUNK_SIZE, treeDigest } from '../../src/file-tree/tree-entry.js'
import { Repository } from '../../src/repository/repository.js'
import { MemoryBlobStore } from '../helpers/memory-blob-store.js'
import { describeTree, useTempDirs, withoutStamps } from '../providers/fixtures.js'

const tempDir = useTempDirs()
const BIG = 50 * 1024 * 1024 + 123

/** A release as deploy tools leave it: modes, links inside, empty dirs, a big file and names in several scripts. */
async function buildRelease(root: string): Promise<void> {
  await chmod(root, 0o755)
  await mkdir(join(root, 'bin'))
  await writeFile(join(root, 'bin/run'), '#!/bin/sh\necho running\n', { mode: 0o755 })
  await writeFile(join(root, 'secret.key'), 'not really a key\n', { mode: 0o600 })
  await writeFile(join(root, 'readme.txt'), 'hello\n', { mode: 0o644 })
  await writeFile(join(root, 'empty.txt'), '')
  await mkdir(join(root, 'empty-dir'))
  await mkdir(join(root, 'nested/deeper/empty'), { recursive: true })
  await writeFile(join(root, 'nested/deeper/data.json'), '{"a":1}\n')
  await symlink('readme.txt', join(root, 'link-to-file'))
  await symlink('nested/deeper', join(root, 'link-to-dir'))
  await symlink('../../readme.txt', join(root, 'nested/deeper/up-link'))
  await writeFile(join(root, 'big.bin'), randomBytes(BIG))
  await writeFile(join(root, 'café.txt'), 'NFC é\n')
  await writeFile(join(root, 'cafe\u0301.txt'), 'NFD é, a different file on Linux\n')
  await mkdir(join(root, '日本語'))
  await writeFile(join(root, '日本語/ファイル.txt'), 'こんにちは\n')
  await writeFile(join(root, '😀 emoji.txt'), '🎉\n')
  await mkdir(join(root, 'locked'))
  await writeFile(join(root, 'locked/inside.txt'), 'written before the directory closes\n', { mode: 0o444 })
  await chmod(join(root, 'locked'), 0o555)
  await mkdir(join(root, 'private'), { mode: 0o750 })
  await chmod(join(root, 'private'), 0o750)
  await chmod(join(root, 'bin/run'), 0o755)
  await chmod(join(root, 'secret.key'), 0o600)
}

describe('file tree round trip', () => {
  it('restores a release byte for byte and mode for mode: modes, inner symlinks, empty dirs, 50 MB, unicode', async () => {
    const base = await tempDir()
    const source = join(base, 'source')
    await mkdir(source)
    await buildRelease(source)
    // The real encrypted repository, closed and reopened between capture and restore: what a rollback sees.
    const key = { keyFile: join(base, 'repository.key') }
    const repo = await Repository.init(join(base, 'repo'), key)
    const tree = await captureTree(source, repo).finally(async () => {
      await repo.flush()
      await repo.close()
    })
    const big = tree.entries.find((e) => e.path === 'big.bin')
    expect(big).toMatchObject({ type: 'file', size: BIG })
    expect(big?.type === 'file' && big.content.length).toBe(Math.ceil(BIG / CHUNK_SIZE))
    expect(tree.entries.map((e) => e.path)).toContain('cafe\u0301.txt')
    expect(tree.entries.map((e) => e.path)).toContain('café.txt')
    expect(tree.digest).toBe(treeDigest(tree.entries))

    const restored = join(base, 'restored')
    const reopened = await Repository.open(join(base, 'repo'), key)
    try {
      await materialiseTree(tree.entries, restored, reopened)
    } finally {
      await reopened.close()
    }
    expect(await describeTree(restored)).toEqual(await describeTree(source))
    expect(await compareTree(restored, tree.entries)).toEqual([])
    expect(await treeMatches(restored, tree.entries)).toBe(true)
    expect((await captureTree(restored, new MemoryBlobStore())).digest).toBe(tree.digest)
  })

  it('keeps a name that starts with a byte order mark (U+FEFF) exactly', async () => {
    const root = await tempDir()
    await writeFile(join(root, '\ufeffbom.txt'), 'bom\n')
    const { entries } = await captureTree(root, new MemoryBlobStore())
    expect(entries.map((e) => e.path)).toEqual(['\ufeffbom.txt'])
  })

  it('capture is idempotent: the same content gives the same digest and stores nothing new', async () => {
    const root = await tempDir()
    await writeFile(join(root, 'a.txt'), 'same\n')
    await writeFile(join(root, 'b.txt'), 'same\n')
    const blobs = new MemoryBlobStore()
    const first = await captureTree(root, blobs)
    const stored = blobs.size
    const second = await captureTree(root, blobs)
    expect(withoutStamps(second)).toEqual(withoutStamps(first))
    expect(blobs.size).toBe(stored)
    expect(stored).toBe(1) // two files with the same bytes share one blob
  })

  it('the digest follows content and modes: one byte or one mode bit changes it', async () => {
    const root = await tempDir()
    await writeFile(join(root, 'a.txt'), 'v1\n', { mode: 0o644 })
    const blobs = new MemoryBlobStore()
    const d1 = (await captureTree(root, blobs)).digest
    await writeFile(join(root, 'a.txt'), 'v2\n')
    const d2 = (await captureTree(root, blobs)).digest
    await chmod(join(root, 'a.txt'), 0o600)
    const d3 = (await captureTree(root, blobs)).digest
    expect(new Set([d1, d2, d3]).size).toBe(3)
  })

  it('refuses to capture a tree it could not restore: a symlink leaving the tree is a UserError now', async () => {
    const root = await tempDir()
    await symlink('/etc/passwd', join(root, 'passwd'))
    await expect(captureTree(root, new MemoryBlobStore())).rejects.toMatchObject({
      name: 'UserError',
      message: expect.stringMatching(/passwd.*absolute/),
    })
  })

  it('RELIABILITY case 6: refuses to capture a tree nested deeper than 1,024 levels', async () => {
    const root = await tempDir()
    await mkdir(join(root, ...Array.from({ length: 1025 }, () => 'd')), { recursive: true })
    await expect(captureTree(root, new MemoryBlobStore())).rejects.toMatchObject({
      name: 'UserError',
      message: expect.stringMatching(/deeper than 1024 levels/),
    })
  })
})
