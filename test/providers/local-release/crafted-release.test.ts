import { readlink } from 'node:fs/promises'
import { join } from 'node:path'
import { beforeEach, describe, expect, it } from 'vitest'
import { IntegrityError } from '../../../src/core/errors.js'
import { treeDigest, type TreeEntry } from '../../../src/file-tree/tree-entry.js'
import { localReleaseProvider as provider } from '../../../src/providers/local-release/local-release-provider.js'
import type { ComponentManifest } from '../../../src/providers/provider.js'
import { MemoryBlobStore } from '../../helpers/memory-blob-store.js'
import { describeTree, testContext, useTempDirs } from '../fixtures.js'
import { component, deployRoot, restarts, V1 } from './release-fixture.js'

const tempDir = useTempDirs()
let base: string
let root: string
let blobs: MemoryBlobStore
let chunk: string

beforeEach(async () => {
  // The deploy root sits four levels down so `../../../..` from a release stays inside `base`, where a stray
  // write would show up in describeTree(base).
  base = await tempDir()
  root = join(base, 'srv/clinic/apps/web')
  blobs = new MemoryBlobStore()
  await deployRoot(root, { r1: V1 }, 'r1')
  chunk = await blobs.putBlob('data', Buffer.from('pwn'))
})

/** A manifest a forger could write: any entries, with a digest that matches them so only the entries are judged. */
function forged(entries: TreeEntry[], release = 'r9'): ComponentManifest {
  return { provider: 'local-release', version: release, refs: [chunk], body: { release, digest: treeDigest(entries), entries } }
}

const file = (path: string, size = 3) => ({ path, type: 'file', mode: 0o644, size, content: [chunk] }) as TreeEntry
const dir = (path: string) => ({ path, type: 'dir', mode: 0o755 }) as TreeEntry
const link = (path: string, target: string) => ({ path, type: 'symlink', target }) as TreeEntry

async function expectNothingChanged(m: ComponentManifest, pattern: RegExp): Promise<void> {
  const before = await describeTree(base)
  const err = await provider.restore(component(root), m, testContext(blobs)).catch((e: unknown) => e)
  expect(err).toBeInstanceOf(IntegrityError)
  expect((err as Error).message).toMatch(pattern)
  expect(await describeTree(base)).toEqual(before) // no release, no temporary, nothing outside
  expect(await readlink(join(root, 'current'))).toBe('releases/r1')
  expect(await restarts(root)).toEqual([])
}

describe('local-release restore refuses crafted manifests and writes nothing', () => {
  it.each([['../../../../etc/shadow'], ['////etc/passwd'], ['a/../../x'], ['nul\0byte']])('RELIABILITY case 4: entry %j', async (path) => {
    await expectNothingChanged(forged([dir('a'), file(path)]), /manifest entry/)
  })

  it('RELIABILITY case 5: dir a, symlink a → /etc, then a/x', async () => {
    await expectNothingChanged(forged([dir('a'), link('a', '/etc'), file('a/x')]), /absolute|appears twice/)
  })

  it('RELIABILITY case 5: a link pointing outside the release', async () => {
    await expectNothingChanged(forged([link('shared', '../../../../outside')]), /resolves outside/)
  })

  it('RELIABILITY case 6: nesting deeper than 1,024 levels', async () => {
    const deep = Array.from({ length: 1025 }, (_, i) => dir(Array.from({ length: i + 1 }, () => 'd').join('/')))
    await expectNothingChanged(forged(deep), /deeper than 1024 levels/)
  })

  it('RELIABILITY case 6: a size bomb whose chunks do not add up', async () => {
    await expectNothingChanged(forged([file('bomb', 2 ** 50)]), /does not match/)
  })

  it('a release id that is a path is refused', async () => {
    for (const release of ['../../escape', '.', '..', 'a/b', '.lastgood-tmp-x']) {
      await expectNothingChanged(forged([file('x')], release), /release id/)
    }
  })

  it('a digest that does not match the entries is refused', async () => {
    const m = forged([file('x')])
    await expectNothingChanged({ ...m, body: { ...(m.body as object), digest: '0'.repeat(64) } }, /digest/)
  })

  it('a chunk that lies about its size fails mid-write and leaves no partial release', async () => {
    await expectNothingChanged(forged([file('a.txt'), file('b.txt'), file('liar', 4096)]), /holds 3 bytes/)
  })
})
