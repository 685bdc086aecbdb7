import { mkdir, readdir, readlink, rename, rm, symlink, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { beforeEach, describe, expect, it } from 'vitest'
import { displacedName } from '../../../src/providers/local-release/displaced-copies.js'
import { localReleaseProvider as provider } from '../../../src/providers/local-release/local-release-provider.js'
import type { ComponentManifest } from '../../../src/providers/provider.js'
import { MemoryBlobStore } from '../../helpers/memory-blob-store.js'
import { describeTree, testContext, useTempDirs } from '../fixtures.js'
import { component, deployRoot, restarts, V1, V2 } from './release-fixture.js'

const tempDir = useTempDirs()
let root: string
let blobs: MemoryBlobStore
let m: ComponentManifest
let original: Record<string, string>

beforeEach(async () => {
  root = await tempDir()
  blobs = new MemoryBlobStore()
  await deployRoot(root, { r1: V1, r2: V2 }, 'r1')
  original = await describeTree(join(root, 'releases/r1'))
  m = await provider.capture(component(root), testContext(blobs))
  await pointCurrentAt('r2')
})

async function pointCurrentAt(release: string): Promise<void> {
  await rm(join(root, 'current'))
  await symlink(`releases/${release}`, join(root, 'current'))
}

/** Reruns the restore, as the rollback journal does after a crash, and checks it ends in the one right state. */
async function rerunCompletes(): Promise<void> {
  await provider.restore(component(root), m, testContext(blobs))
  expect(await readlink(join(root, 'current'))).toBe('releases/r1')
  expect(await describeTree(join(root, 'releases/r1'))).toEqual(original)
  const everything = [...(await readdir(root)), ...(await readdir(join(root, 'releases')))]
  expect(everything.filter((n) => n.includes('.lastgood-tmp-'))).toEqual([])
  expect((await restarts(root)).at(-1)).toBe('releases/r1')
}

// The provider's part of RELIABILITY case 7: the state a SIGKILL leaves between two durable steps of restore
// is rebuilt by hand, then the rerun must finish the job exactly once and leave no debris.
describe('RELIABILITY case 7: a restore killed between durable steps completes on rerun', () => {
  it('killed while materialising: a partial temporary release and a temporary link are left', async () => {
    await rm(join(root, 'releases/r1'), { recursive: true })
    await mkdir(join(root, 'releases/.lastgood-tmp-deadbeef/assets'), { recursive: true })
    await writeFile(join(root, 'releases/.lastgood-tmp-deadbeef/index.html'), '<h1>v1')
    await symlink('releases/r2', join(root, 'current.lastgood-tmp-deadbeef'))
    await rerunCompletes()
  })

  it('killed after moving a differing release aside, before renaming the rebuilt one in', async () => {
    await writeFile(join(root, 'releases/r1/index.html'), 'edited in place\n')
    const aside = displacedName('r1', new Date())
    await rename(join(root, 'releases/r1'), join(root, 'releases', aside))
    await rerunCompletes()
    expect(await readdir(join(root, 'releases'))).toContain(aside) // user data kept (within the retention rule)
  })

  it('killed after the release was in place, before the switch (an older attempt left a temporary too)', async () => {
    await mkdir(join(root, 'releases/.lastgood-tmp-0123abcd'))
    await rerunCompletes()
  })

  it('killed after the switch, before the restart: the rerun only restarts', async () => {
    await pointCurrentAt('r1')
    const releases = await describeTree(join(root, 'releases'))
    await rerunCompletes()
    expect(await describeTree(join(root, 'releases'))).toEqual(releases)
    expect(await restarts(root)).toEqual(['releases/r1'])
  })
})
