import { mkdir, readdir, rm, symlink, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { beforeEach, describe, expect, it } from 'vitest'
import { displacedName, pruneDisplaced } from '../../../src/providers/local-release/displaced-copies.js'
import { localReleaseProvider as provider } from '../../../src/providers/local-release/local-release-provider.js'
import { MemoryBlobStore } from '../../helpers/memory-blob-store.js'
import { testContext, useTempDirs } from '../fixtures.js'
import { component, deployRoot, V1, V2, writeRelease } from './release-fixture.js'

const DAY = 86_400_000
const tempDir = useTempDirs()
let root: string
let blobs: MemoryBlobStore
const ctx = () => testContext(blobs)

beforeEach(async () => {
  root = await tempDir()
  blobs = new MemoryBlobStore()
  await deployRoot(root, { r1: V1 }, 'r1')
})

/** A copy an earlier restore moved aside `daysAgo` days ago. */
async function oldCopy(release: string, daysAgo: number): Promise<string> {
  const name = displacedName(release, new Date(Date.now() - daysAgo * DAY))
  await mkdir(join(root, 'releases', name))
  await writeFile(join(root, 'releases', name, 'index.html'), `edited ${daysAgo} days ago\n`)
  return name
}

async function copies(): Promise<string[]> {
  return (await readdir(join(root, 'releases'))).filter((n) => n.includes('.displaced-')).sort()
}

/** The app writes inside its release, a new release is deployed, and a rollback restores r1. */
async function rollbackOfAnAppThatWritesInItsRelease(c = component(root)): Promise<string> {
  const m = await provider.capture(c, ctx())
  await writeFile(join(root, 'releases/r1/cache.db'), 'written by the app at run time\n')
  await writeRelease(root, 'r2', V2)
  await rm(join(root, 'current'))
  await symlink('releases/r2', join(root, 'current'))
  return (await provider.restore(c, m, ctx())).detail ?? ''
}

describe('issue 10 item 8: displaced release copies are kept under a retention rule', () => {
  it('default: the newest 2, none older than 7 days; pruned at the end of a restore, which says so', async () => {
    const day1 = await oldCopy('r1', 1)
    const day3 = await oldCopy('r1', 3)
    const day10 = await oldCopy('r0', 10)
    const detail = await rollbackOfAnAppThatWritesInItsRelease()
    const now = (await copies()).filter((n) => n !== day1)
    expect(now).toHaveLength(1) // the copy this restore made
    expect(await copies()).toEqual([day1, now[0]].sort())
    expect(detail).toContain(`moved the differing copy aside to ${join(root, 'releases', now[0]!)}`)
    expect(detail).toContain(`removed 2 displaced copies past retention (${day3}, ${day10})`)
  })

  it('keep_last and keep_within are configurable; keep_last 0 keeps none', async () => {
    const day5 = await oldCopy('r1', 5)
    const day20 = await oldCopy('r1', 20)
    await rollbackOfAnAppThatWritesInItsRelease(component(root, { displaced: { keepLast: 5, keepWithinMs: 30 * DAY } }))
    expect(await copies()).toContain(day5)
    expect(await copies()).toContain(day20)
    expect(await copies()).toHaveLength(3)
    await rollbackOfAnAppThatWritesInItsRelease(component(root, { displaced: { keepLast: 0, keepWithinMs: 30 * DAY } }))
    expect(await copies()).toEqual([])
  })

  it('never removes a copy current points to, nor anything that is not a directory', async () => {
    const live = await oldCopy('r1', 30)
    const gone = await oldCopy('r1', 31)
    const notOurs = displacedName('r9', new Date(Date.now() - 40 * DAY))
    await writeFile(join(root, 'releases', notOurs), 'a file, not a copy')
    const removed = await pruneDisplaced(join(root, 'releases'), { keepLast: 0, keepWithinMs: 0 }, live)
    expect(removed).toEqual([gone])
    expect(await copies()).toEqual([live, notOurs].sort())
  })

  it('leftovers() lists the copies kept, newest first, with when retention removes them', async () => {
    const day1 = await oldCopy('r1', 1)
    const day2 = await oldCopy('r0', 2)
    const listed = await provider.leftovers!(component(root), ctx())
    expect(listed.map((l) => l.path)).toEqual([join(root, 'releases', day1), join(root, 'releases', day2)])
    expect(listed[0]).toMatchObject({ about: 'release r1 as it was on disk when a restore replaced it' })
    expect(Date.parse(listed[0]!.removedAfter!) - Date.parse(listed[0]!.createdAt)).toBe(7 * DAY)
  })
})
