import { chmod, chown, lchown, lstat, mkdir, readdir, readlink, rm, symlink, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { beforeEach, describe, expect, it } from 'vitest'
import { CHUNK_SIZE } from '../../../src/file-tree/tree-entry.js'
import { localReleaseProvider as provider } from '../../../src/providers/local-release/local-release-provider.js'
import type { ComponentManifest } from '../../../src/providers/provider.js'
import { MemoryBlobStore } from '../../helpers/memory-blob-store.js'
import { testContext, useTempDirs } from '../fixtures.js'
import { capistranoRelease, RAILS_V1, RAILS_V2, sharedDir } from './capistrano-fixture.js'
import { component } from './release-fixture.js'

// These tests run as root (as the suite does here): a restore run as root is what item 7 is about.
const DEPLOY = { uid: 1000, gid: 1000 }
const NOBODY = { uid: 65534, gid: 65534 }
const POSTGRES = { uid: 101, gid: 104 }

const tempDir = useTempDirs()
let root: string
let blobs: MemoryBlobStore
const ctx = () => testContext(blobs)
const web = (overrides = {}) => component(root, { restart: undefined, ...overrides })

/** Type, permission bits, numeric owner and link target of everything under `dir` (itself included), by lstat. */
async function owners(dir: string): Promise<Record<string, string>> {
  const out: Record<string, string> = {}
  const visit = async (rel: string): Promise<void> => {
    const st = await lstat(rel === '' ? dir : join(dir, rel))
    const what = st.isSymbolicLink()
      ? `link → ${await readlink(join(dir, rel))}`
      : `${st.isDirectory() ? 'dir' : 'file'} ${(st.mode & 0o777).toString(8)}`
    out[rel] = `${what} ${st.uid}:${st.gid}`
    if (st.isDirectory()) for (const name of await readdir(join(dir, rel))) await visit(rel === '' ? name : `${rel}/${name}`)
  }
  await visit('')
  return out
}

/** A release the deploy user owns, with a file of postgres', a link of nobody's and modes a umask would not give. */
async function deployedAsAnotherUser(): Promise<string> {
  await sharedDir(root)
  await capistranoRelease(root, 'r1', RAILS_V1, 'absolute')
  const r1 = join(root, 'releases/r1')
  await mkdir(join(r1, 'private'), { mode: 0o750 })
  for (const rel of ['', 'Gemfile', 'config', 'config/routes.rb', 'public', 'public/index.html', 'private', '.env', 'log']) {
    await lchown(join(r1, rel), DEPLOY.uid, DEPLOY.gid)
  }
  await chmod(join(r1, 'config/routes.rb'), 0o640)
  await chmod(join(r1, 'private'), 0o750)
  await chmod(r1, 0o2775 & 0o777)
  await symlink('../config/routes.rb', join(r1, 'private/routes'))
  await lchown(join(r1, 'private/routes'), NOBODY.uid, NOBODY.gid)
  await chown(join(r1, 'public/index.html'), POSTGRES.uid, POSTGRES.gid)
  // Bigger than a chunk: written on the main thread, not by the file pool, so both paths give owners back.
  await writeFile(join(r1, 'public/video.bin'), Buffer.alloc(CHUNK_SIZE + 1, 7), { mode: 0o604 })
  await chown(join(r1, 'public/video.bin'), POSTGRES.uid, POSTGRES.gid)
  await chown(join(root, 'releases'), DEPLOY.uid, DEPLOY.gid)
  await symlink('releases/r1', join(root, 'current'))
  await lchown(join(root, 'current'), DEPLOY.uid, DEPLOY.gid)
  return r1
}

async function deployR2(): Promise<void> {
  await capistranoRelease(root, 'r2', RAILS_V2, 'relative')
  await rm(join(root, 'current'))
  await symlink('releases/r2', join(root, 'current'))
  await lchown(join(root, 'current'), DEPLOY.uid, DEPLOY.gid)
}

beforeEach(async () => {
  root = join(await tempDir(), 'var/www/clinic')
  blobs = new MemoryBlobStore()
})

describe('RELIABILITY case 20: a restore run as root gives back owners, modes and links as captured', () => {
  it('rebuilds a release owned by other users, symlinks included (lchown), with the release directory itself', async () => {
    expect(process.geteuid?.()).toBe(0)
    const r1 = await deployedAsAnotherUser()
    const captured = await owners(r1)
    const m = await provider.capture(web(), ctx())
    await deployR2()
    await rm(r1, { recursive: true })
    expect(await provider.restore(web(), m, ctx())).toMatchObject({ path: 'materialise' })
    expect(await owners(r1)).toEqual(captured)
    expect((await lstat(join(root, 'current'))).uid).toBe(DEPLOY.uid) // the switched link stays the deploy user's
    expect(captured['public/index.html']).toMatch(/ 101:104$/)
    expect(captured['public/video.bin']).toBe('file 604 101:104')
    expect(captured['private/routes']).toMatch(/ 65534:65534$/)
    expect(captured['']).toBe('dir 775 1000:1000')
  })

  it('a copy on disk whose owners differ is not taken as the release: it is rebuilt with the captured owners', async () => {
    const r1 = await deployedAsAnotherUser()
    const captured = await owners(r1)
    const m = await provider.capture(web(), ctx())
    await deployR2()
    await chown(join(r1, 'Gemfile'), 0, 0) // what a restore by an older lastgood left behind
    const actions = (await provider.preview(web(), m, ctx())).filter((c) => c.kind === 'action').map((c) => c.path)
    expect(actions).toContain('move the differing r1 on disk aside to r1.displaced-<time>')
    expect(await provider.restore(web(), m, ctx())).toMatchObject({ path: 'materialise' })
    expect(await owners(r1)).toEqual(captured)
  })

  it('preview names an owner change of the live release', async () => {
    const r1 = await deployedAsAnotherUser()
    const m = await provider.capture(web(), ctx())
    await chown(join(r1, 'Gemfile'), 0, 0)
    expect(await provider.preview(web(), m, ctx())).toContainEqual(
      expect.objectContaining({ kind: 'changed', path: 'Gemfile', before: '0:0', after: '1000:1000' }),
    )
  })

  it('owner: in the component wins over what was captured', async () => {
    const r1 = await deployedAsAnotherUser()
    const m = await provider.capture(web(), ctx())
    await deployR2()
    await rm(r1, { recursive: true })
    await provider.restore(web({ owner: 'nobody:nogroup' }), m, ctx())
    for (const [path, line] of Object.entries(await owners(r1))) expect(`${path} ${line}`).toMatch(/ 65534:65534$/)
    await rm(r1, { recursive: true })
    await deployR2().catch(() => undefined)
    await provider.restore(web({ owner: '4242:4343' }), m, ctx())
    expect((await lstat(join(r1, 'Gemfile'))).uid).toBe(4242)
    await expect(provider.restore(web({ owner: 'no-such-user-here' }), m, ctx())).rejects.toThrow(
      /names user "no-such-user-here", which this host does not know/,
    )
  })

  it('a manifest written before owners were recorded still restores, owned like the releases directory', async () => {
    const r1 = await deployedAsAnotherUser()
    const m = await provider.capture(web(), ctx())
    const body = m.body as { entries: Record<string, unknown>[]; dir?: unknown }
    const entries = body.entries.map(({ uid: _u, gid: _g, ...rest }) => rest)
    const { treeDigest } = await import('../../../src/file-tree/tree-entry.js')
    const old: ComponentManifest = { ...m, body: { release: 'r1', digest: treeDigest(entries as never), entries } }
    await deployR2()
    await rm(r1, { recursive: true })
    await provider.restore(web(), old, ctx())
    expect((await lstat(join(r1, 'public/index.html'))).uid).toBe(DEPLOY.uid)
    expect((await lstat(r1)).gid).toBe(DEPLOY.gid)
    expect((await lstat(join(r1, 'config/routes.rb'))).mode & 0o777).toBe(0o640)
  })
})
