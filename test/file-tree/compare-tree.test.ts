import { chmod, mkdir, rm, symlink, unlink, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { captureTree } from '../../src/file-tree/capture-tree.js'
import { compareTree, treeMatches } from '../../src/file-tree/compare-tree.js'
import { MemoryBlobStore } from '../helpers/memory-blob-store.js'
import { describeTree, useTempDirs } from '../providers/fixtures.js'

const tempDir = useTempDirs()

describe('compareTree', () => {
  it('lists what a restore would add, change and remove, with sizes, and changes nothing', async () => {
    const root = await tempDir()
    await writeFile(join(root, 'kept.txt'), 'same\n')
    await writeFile(join(root, 'edited.txt'), 'version one\n')
    await writeFile(join(root, 'same-size.txt'), 'aaaa')
    await writeFile(join(root, 'script.sh'), 'echo\n', { mode: 0o755 })
    await writeFile(join(root, 'gone-later.txt'), 'restore brings me back\n')
    await mkdir(join(root, 'dir'))
    await symlink('kept.txt', join(root, 'link'))
    const { entries } = await captureTree(root, new MemoryBlobStore())

    await writeFile(join(root, 'edited.txt'), 'version two, longer\n')
    await writeFile(join(root, 'same-size.txt'), 'bbbb')
    await chmod(join(root, 'script.sh'), 0o644)
    await unlink(join(root, 'gone-later.txt'))
    await writeFile(join(root, 'new.txt'), 'restore removes me\n')
    await rm(join(root, 'link'))
    await symlink('edited.txt', join(root, 'link'))
    await rm(join(root, 'dir'), { recursive: true })
    await writeFile(join(root, 'dir'), 'now a file')

    const before = await describeTree(root)
    const changes = await compareTree(root, entries)
    expect(await describeTree(root)).toEqual(before)
    expect(changes).toEqual([
      { kind: 'changed', path: 'dir', before: 'file', after: 'dir', sizeBefore: 10 },
      { kind: 'changed', path: 'edited.txt', sizeBefore: 20, sizeAfter: 12 },
      { kind: 'added', path: 'gone-later.txt', sizeAfter: 23 },
      { kind: 'changed', path: 'link', before: 'edited.txt', after: 'kept.txt' },
      { kind: 'removed', path: 'new.txt', sizeBefore: 19 },
      { kind: 'changed', path: 'same-size.txt', sizeBefore: 4, sizeAfter: 4 },
      { kind: 'changed', path: 'script.sh', before: '0644', after: '0755', sizeBefore: 5, sizeAfter: 5 },
    ])
    expect(await compareTree(root, entries, { firstOnly: true })).toHaveLength(1)
    expect(await treeMatches(root, entries)).toBe(false)
  })

  it('treats a missing directory as everything added, and prefixes paths when asked', async () => {
    const root = await tempDir()
    await writeFile(join(root, 'a.txt'), 'abc')
    const { entries } = await captureTree(root, new MemoryBlobStore())
    expect(await compareTree(join(root, 'missing'), entries, { prefix: '/etc/app' })).toEqual([
      { kind: 'added', path: '/etc/app/a.txt', sizeAfter: 3 },
    ])
  })

  it('an identical tree has no changes', async () => {
    const root = await tempDir()
    await writeFile(join(root, 'a.txt'), 'abc')
    const { entries } = await captureTree(root, new MemoryBlobStore())
    expect(await treeMatches(root, entries)).toBe(true)
  })
})
