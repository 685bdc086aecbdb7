import { readdir, readlink, rm, symlink, writeFile, readFile } from 'node:fs/promises'
import { join } from 'node:path'
import { beforeEach, describe, expect, it } from 'vitest'
import { OperationFailedError, UserError } from '../../../src/core/errors.js'
import { localReleaseProvider as provider } from '../../../src/providers/local-release/local-release-provider.js'
import type { ComponentManifest } from '../../../src/providers/provider.js'
import { MemoryBlobStore } from '../../helpers/memory-blob-store.js'
import { describeTree, testContext, useTempDirs, withoutStamps } from '../fixtures.js'
import { component, deployRoot, restarts, V1, V2, writeRelease } from './release-fixture.js'

const tempDir = useTempDirs()
let root: string
let blobs: MemoryBlobStore
const ctx = () => testContext(blobs)

beforeEach(async () => {
  root = await tempDir()
  blobs = new MemoryBlobStore()
  await deployRoot(root, { r1: V1 }, 'r1')
})

/** Captures r1 (live), then deploys r2 the way Capistrano does: a new directory, then the link. */
async function captureThenDeploy(): Promise<ComponentManifest> {
  const m = await provider.capture(component(root), ctx())
  await writeRelease(root, 'r2', V2)
  await rm(join(root, 'current'))
  await symlink('releases/r2', join(root, 'current'))
  return m
}

describe('local-release current and capture', () => {
  it('current() reads the symlink: release id and target, nothing hashed', async () => {
    expect(await provider.current(component(root), ctx())).toEqual({
      version: 'r1',
      detail: { target: 'releases/r1', releases: join(root, 'releases') },
    })
  })

  it('current() without the symlink is a UserError saying the layout is missing', async () => {
    await rm(join(root, 'current'))
    await expect(provider.current(component(root), ctx())).rejects.toSatisfy(
      (e: unknown) => e instanceof UserError && /release layout is missing/.test(e.message),
    )
  })

  it('current() refuses a link that leaves the releases directory', async () => {
    await rm(join(root, 'current'))
    await symlink('/tmp', join(root, 'current'))
    await expect(provider.current(component(root), ctx())).rejects.toThrow(/not a release directly inside/)
  })

  it('capture() stores the live release: version, refs, summary and a body with release, digest, entries', async () => {
    const m = await provider.capture(component(root), ctx())
    expect(m).toMatchObject({ provider: 'local-release', version: 'r1', summary: { files: 3, bytes: 37 } })
    expect(m.body).toMatchObject({ release: 'r1', digest: expect.stringMatching(/^[0-9a-f]{64}$/) })
    expect(m.refs).toHaveLength(3)
    for (const id of m.refs) expect(blobs.typeOf(id)).toBe('data')
    expect(withoutStamps(await provider.capture(component(root), ctx()))).toEqual(withoutStamps(m)) // idempotent
  })

  it('capture() asks for the previous capture of the live release and takes unchanged files from it', async () => {
    await new Promise((r) => setTimeout(r, 150)) // let the files' ctimes settle, so stamps are recorded
    const first = await provider.capture(component(root), ctx())
    // A previous manifest whose content ids point at another stored blob shows which files were not read.
    const decoy = await blobs.putBlob('data', Buffer.from('decoy'))
    const body = first.body as { entries: { type: string; content?: string[] }[] }
    const previous = { ...first, body: { ...body, entries: body.entries.map((e) => (e.type === 'file' ? { ...e, content: [decoy] } : e)) } }
    const asked: (string | undefined)[] = []
    await writeFile(join(root, 'releases/r1/app.js'), 'console.log("v1")\n') // rewritten: same bytes, new ctime
    const m = await provider.capture(component(root), { ...ctx(), previous: async (version) => (asked.push(version), previous) })
    expect(asked).toEqual(['r1'])
    const contents = Object.fromEntries(
      (m.body as { entries: { path: string; content?: string[] }[] }).entries.map((e) => [e.path, e.content]),
    )
    expect(contents['index.html']).toEqual([decoy])
    expect(contents['app.js']).not.toEqual([decoy])
  })
})

describe('local-release preview', () => {
  it('lists version, added/changed/removed files with sizes and the steps, and changes nothing on disk', async () => {
    const m = await captureThenDeploy()
    const before = await describeTree(root)
    const changes = await provider.preview(component(root), m, ctx())
    expect(await describeTree(root)).toEqual(before)
    expect(changes).toEqual([
      { kind: 'version', before: 'r2', after: 'r1' },
      { kind: 'added', path: 'assets/logo.svg', sizeAfter: 7 },
      { kind: 'removed', path: 'assets/new.css', sizeBefore: 7 },
      { kind: 'changed', path: 'index.html', sizeBefore: 27, sizeAfter: 12 },
      { kind: 'action', path: 'switch current to release r1, already on disk' },
      { kind: 'action', path: 'run restart command "readlink current >> restarts.log"' },
    ])
  })

  it('says the release will be rebuilt when its directory is gone', async () => {
    const m = await captureThenDeploy()
    await rm(join(root, 'releases/r1'), { recursive: true })
    const actions = (await provider.preview(component(root), m, ctx())).filter((c) => c.kind === 'action')
    expect(actions[0]?.path).toMatch(/^rebuild release r1 from the snapshot \(3 files, 37 bytes\)/)
  })
})

describe('local-release restore', () => {
  it('fast path: the release is on disk and identical, so only current switches, then restart runs', async () => {
    const m = await captureThenDeploy()
    const r2 = await describeTree(join(root, 'releases/r2'))
    expect(await provider.restore(component(root), m, ctx())).toMatchObject({ path: 'fast' })
    expect(await readlink(join(root, 'current'))).toBe('releases/r1')
    expect(await restarts(root)).toEqual(['releases/r1'])
    expect(await describeTree(join(root, 'releases/r2'))).toEqual(r2) // the newer release is kept
    expect(await provider.current(component(root), ctx())).toMatchObject({ version: 'r1' })
  })

  it('materialise path: the release directory was deleted, so it is rebuilt from the repository, then switched', async () => {
    const original = await describeTree(join(root, 'releases/r1'))
    const m = await captureThenDeploy()
    await rm(join(root, 'releases/r1'), { recursive: true })
    expect(await provider.restore(component(root), m, ctx())).toMatchObject({ path: 'materialise' })
    expect(await describeTree(join(root, 'releases/r1'))).toEqual(original)
    expect(await readlink(join(root, 'current'))).toBe('releases/r1')
    expect(await restarts(root)).toEqual(['releases/r1'])
    expect((await readdir(join(root, 'releases'))).sort()).toEqual(['r1', 'r2']) // no temporary left behind
  })

  it('a release edited in place is moved aside, never deleted, and rebuilt', async () => {
    const original = await describeTree(join(root, 'releases/r1'))
    const m = await captureThenDeploy()
    await writeFile(join(root, 'releases/r1/index.html'), 'hot-fixed on the server\n')
    const result = await provider.restore(component(root), m, ctx())
    expect(result.path).toBe('materialise')
    expect(await describeTree(join(root, 'releases/r1'))).toEqual(original)
    const aside = (await readdir(join(root, 'releases'))).filter((n) => n.startsWith('r1.displaced-'))
    expect(aside).toHaveLength(1)
    expect(await readFile(join(root, 'releases', aside[0]!, 'index.html'), 'utf8')).toBe('hot-fixed on the server\n')
    expect(result.detail).toContain(aside[0])
  })

  it('is idempotent: restoring what is live again switches nothing and restarts again', async () => {
    const m = await captureThenDeploy()
    await provider.restore(component(root), m, ctx())
    const before = await describeTree(join(root, 'releases'))
    expect(await provider.restore(component(root), m, ctx())).toMatchObject({
      path: 'fast',
      detail: expect.stringContaining('already pointed'),
    })
    expect(await describeTree(join(root, 'releases'))).toEqual(before)
    expect(await restarts(root)).toEqual(['releases/r1', 'releases/r1'])
  })

  it('keeps an absolute current link absolute', async () => {
    const m = await captureThenDeploy()
    await rm(join(root, 'current'))
    await symlink(join(root, 'releases/r2'), join(root, 'current'))
    await provider.restore(component(root), m, ctx())
    expect(await readlink(join(root, 'current'))).toBe(join(root, 'releases/r1'))
  })

  it('restores onto an empty host (disaster recovery): creates releases/ and current', async () => {
    const m = await provider.capture(component(root), ctx())
    const fresh = join(await tempDir(), 'srv/web')
    expect(await provider.restore(component(fresh, { restart: undefined }), m, ctx())).toMatchObject({ path: 'materialise' })
    expect(await readlink(join(fresh, 'current'))).toBe('releases/r1')
    expect(await describeTree(join(fresh, 'releases/r1'))).toEqual(await describeTree(join(root, 'releases/r1')))
  })

  it('a failing restart is reported with its stderr, after the switch', async () => {
    const m = await captureThenDeploy()
    const restart = 'echo "starting web" >&2; echo "bind: address already in use (port 8080)" >&2; exit 3'
    const err = await provider.restore(component(root, { restart }), m, ctx()).catch((e: unknown) => e)
    expect(err).toBeInstanceOf(OperationFailedError)
    expect((err as Error).message).toMatch(
      /component web: command ".*" exited with 3: starting web\nbind: address already in use \(port 8080\)/,
    )
    expect((err as Error).message).toMatch(/switched to release r1/)
    expect(await readlink(join(root, 'current'))).toBe('releases/r1')
  })

  it('a restart that hangs is stopped at restart_timeout', async () => {
    const m = await captureThenDeploy()
    const c = component(root, { restart: 'echo "waiting for db" >&2; sleep 30', restartTimeoutMs: 300 })
    await expect(provider.restore(c, m, ctx())).rejects.toThrow(/timed out after 300ms: waiting for db/)
  })
})
