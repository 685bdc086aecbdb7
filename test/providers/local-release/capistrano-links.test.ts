import { readlink, rm, symlink } from 'node:fs/promises'
import { join } from 'node:path'
import { beforeEach, describe, expect, it } from 'vitest'
import { IntegrityError, UserError } from '../../../src/core/errors.js'
import { treeDigest, type TreeEntry } from '../../../src/file-tree/tree-entry.js'
import { localReleaseProvider as provider } from '../../../src/providers/local-release/local-release-provider.js'
import type { ComponentManifest } from '../../../src/providers/provider.js'
import { MemoryBlobStore } from '../../helpers/memory-blob-store.js'
import { describeTree, sha256, testContext, useTempDirs } from '../fixtures.js'
import { capistranoRelease, LINKED_DIRS, LINKED_FILES, RAILS_V1, RAILS_V2, sharedDir } from './capistrano-fixture.js'
import { component } from './release-fixture.js'

const tempDir = useTempDirs()
let root: string
let blobs: MemoryBlobStore
const ctx = () => testContext(blobs)
const LINKS = [...LINKED_FILES, ...LINKED_DIRS]

async function links(release: string): Promise<Record<string, string>> {
  return Object.fromEntries(await Promise.all(LINKS.map(async (p) => [p, await readlink(join(root, 'releases', release, p))])))
}

async function deploy(id: string): Promise<void> {
  await rm(join(root, 'current'), { force: true })
  await symlink(`releases/${id}`, join(root, 'current'))
}

beforeEach(async () => {
  root = join(await tempDir(), 'var/www/clinic')
  blobs = new MemoryBlobStore()
  await sharedDir(root)
})

describe('issue 10 item 6: Capistrano linked_files and linked_dirs are captured as links', () => {
  it.each(['absolute', 'relative'] as const)(
    '%s links into shared/: captured as links, restored as links, shared/ untouched',
    async (style) => {
      await capistranoRelease(root, 'r1', RAILS_V1, style)
      await deploy('r1')
      const captured = await links('r1')
      const m = await provider.capture(component(root, { restart: undefined }), ctx())
      const entries = (m.body as { entries: TreeEntry[] }).entries
      for (const p of LINKS) expect(entries.find((e) => e.path === p)).toMatchObject({ type: 'symlink', target: captured[p] })
      // Only the link: nothing of shared/ is in the snapshot (its files are the deploy tool's, secrets included).
      expect(m.refs).not.toContain(sha256('SECRET_KEY_BASE=abc123\n'))
      expect(m.summary).toEqual({ files: 3, bytes: expect.any(Number) })

      await capistranoRelease(root, 'r2', RAILS_V2, style)
      await deploy('r2')
      await rm(join(root, 'releases/r1'), { recursive: true })
      const shared = await describeTree(join(root, 'shared'))
      const preview = await provider.preview(component(root, { restart: undefined }), m, ctx())
      expect(preview).toContainEqual({
        kind: 'action',
        path: expect.stringMatching(
          /^keep 5 links out of the release as links; what they point to is not in the snapshot: .*config\/database\.yml → /,
        ),
      })
      expect(await provider.restore(component(root, { restart: undefined }), m, ctx())).toMatchObject({ path: 'materialise' })
      expect(await readlink(join(root, 'current'))).toBe('releases/r1')
      expect(await links('r1')).toEqual(captured)
      expect(await describeTree(join(root, 'shared'))).toEqual(shared)
    },
  )

  it('links_allowed_into names the directories explicitly; [] turns the default off', async () => {
    await capistranoRelease(root, 'r1', RAILS_V1, 'absolute')
    await deploy('r1')
    await expect(provider.capture(component(root, { linksAllowedInto: [] }), ctx())).rejects.toSatisfy(
      (e: unknown) => e instanceof UserError && /links_allowed_into/.test(e.message) && /is absolute/.test(e.message),
    )
    await expect(provider.capture(component(root, { linksAllowedInto: [join(root, 'shared')] }), ctx())).resolves.toMatchObject({
      version: 'r1',
    })
  })

  it('without shared/ beside releases/ the default allows no link out of the release', async () => {
    await capistranoRelease(root, 'r1', RAILS_V1, 'relative')
    await deploy('r1')
    await rm(join(root, 'shared'), { recursive: true })
    await expect(provider.capture(component(root), ctx())).rejects.toThrow(/resolves outside the tree \(links must stay inside the tree\)/)
  })

  it.each([
    ['/etc/passwd'],
    ['../../../../../../etc/passwd'],
    ['../../shared/../../../etc'], // climbs back out of shared/
    ['../r0/secret'], // a sibling release is not shared/
  ])('a link leaving the release anywhere else is still refused at capture: %s', async (target) => {
    await capistranoRelease(root, 'r1', RAILS_V1, 'absolute')
    await symlink(target, join(root, 'releases/r1/escape'))
    await deploy('r1')
    await expect(provider.capture(component(root), ctx())).rejects.toSatisfy(
      (e: unknown) => e instanceof UserError && /"escape"/.test(e.message) && /only into .*shared/.test(e.message),
    )
  })
})

describe('RELIABILITY cases 4 and 5 with links allowed into shared/: nothing is written outside the release', () => {
  let chunk: string
  beforeEach(async () => {
    await capistranoRelease(root, 'r1', RAILS_V1, 'absolute')
    await deploy('r1')
    chunk = await blobs.putBlob('data', Buffer.from('pwn'))
  })

  function forged(entries: TreeEntry[]): ComponentManifest {
    return { provider: 'local-release', version: 'r9', refs: [chunk], body: { release: 'r9', digest: treeDigest(entries), entries } }
  }
  const file = (path: string) => ({ path, type: 'file', mode: 0o644, size: 3, content: [chunk] }) as TreeEntry
  const dir = (path: string) => ({ path, type: 'dir', mode: 0o755 }) as TreeEntry
  const link = (path: string, target: string) => ({ path, type: 'symlink', target }) as TreeEntry

  it.each([
    [
      'a link into shared/, then an entry below it',
      () => [link('shared-link', join(root, 'shared')), file('shared-link/x')],
      /parent "shared-link" is not a directory/,
    ],
    [
      'a relative link into shared/, then an entry below it',
      () => [link('log', '../../shared/log'), file('log/evil.log')],
      /parent "log" is not a directory/,
    ],
    [
      'a directory, then a link of the same name into shared/, then an entry',
      () => [dir('tmp'), link('tmp', join(root, 'shared/tmp')), file('tmp/x')],
      /appears twice/,
    ],
    ['a link to /etc', () => [link('etc', '/etc')], /is absolute and leads outside the tree/],
    ['a link through an allowed link back out', () => [link('s', '../../shared'), link('t', 's/../../../etc')], /"t".*resolves outside/],
    ['an entry named with ..', () => [file('../../shared/.env')], /"\.\." segment/],
  ])('refuses %s', async (_what, entries, pattern) => {
    const before = await describeTree(join(root, '..'))
    const err = await provider.restore(component(root, { restart: undefined }), forged(entries()), ctx()).catch((e: unknown) => e)
    expect(err).toBeInstanceOf(IntegrityError)
    expect((err as Error).message).toMatch(pattern)
    expect(await describeTree(join(root, '..'))).toEqual(before)
  })
})
