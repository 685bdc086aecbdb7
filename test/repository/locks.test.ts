import { spawnSync } from 'node:child_process'
import { readdir, writeFile, mkdir } from 'node:fs/promises'
import { hostname } from 'node:os'
import { join } from 'node:path'
import { describe, expect, test } from 'vitest'
import { RefusedError } from '../../src/core/errors.js'
import { newRepo } from './helpers.js'

async function plantLock(dir: string, name: string, lock: Record<string, unknown>): Promise<void> {
  await mkdir(join(dir, 'locks'), { recursive: true })
  await writeFile(join(dir, 'locks', name), JSON.stringify(lock))
}

function deadPid(): number {
  return spawnSync(process.execPath, ['-e', ''], { stdio: 'ignore' }).pid
}

const now = (): string => new Date().toISOString()

describe('repository locks', () => {
  test('writers share; close releases', async () => {
    const t = await newRepo()
    const second = await t.reopen()
    expect(await readdir(join(t.dir, 'locks'))).toHaveLength(2)
    await second.close()
    await t.repo.close()
    expect(await readdir(join(t.dir, 'locks'))).toEqual([])
  })

  test('prune while another writer holds the repository is refused, naming the holder', async () => {
    const t = await newRepo()
    const other = await t.reopen()
    const err = await other.prune({ dryRun: false }).catch((e: unknown) => e)
    expect(err).toBeInstanceOf(RefusedError)
    expect((err as Error).message).toContain(`pid ${process.pid} on host ${hostname()}`)
    expect(await readdir(join(t.dir, 'locks'))).toHaveLength(2) // the refused exclusive lock left nothing
    await t.repo.close()
    await other.prune({ dryRun: false })
  })

  test('case 10: a live exclusive lock refuses open with RefusedError naming its holder', async () => {
    const t = await newRepo()
    await t.repo.close()
    await plantLock(t.dir, 'held', { exclusive: true, host: 'db-host-2', pid: 4242, user: 'ops', time: now() })
    const err = await t.reopen().catch((e: unknown) => e)
    expect(err).toBeInstanceOf(RefusedError)
    expect((err as Error).message).toMatch(/exclusive lock \(prune\) held by pid 4242 on host db-host-2 \(user ops\)/)
    expect((err as Error).message).toContain(join(t.dir, 'locks', 'held'))
  })

  test('case 10: a lock of a dead pid on this host is stale and removed', async () => {
    const t = await newRepo()
    await t.repo.close()
    await plantLock(t.dir, 'stale', { exclusive: true, host: hostname(), pid: deadPid(), user: 'x', time: now() })
    const r = await t.reopen()
    expect(await readdir(join(t.dir, 'locks'))).not.toContain('stale')
    await r.prune({ dryRun: true })
  })

  test('case 10: a lock older than the stale age is removed even from another host', async () => {
    const t = await newRepo()
    await t.repo.close()
    const old = new Date(Date.now() - 13 * 3600 * 1000).toISOString()
    await plantLock(t.dir, 'old', { exclusive: true, host: 'elsewhere', pid: 1, user: 'x', time: old })
    await plantLock(t.dir, 'young', { exclusive: false, host: 'elsewhere', pid: 1, user: 'x', time: now() })
    const r = await t.reopen()
    expect((await readdir(join(t.dir, 'locks'))).sort()).not.toContain('old')
    // a recent shared lock from another host is respected: prune is refused
    await expect(r.prune({ dryRun: false })).rejects.toBeInstanceOf(RefusedError)
  })

  test('an unreadable lock file is treated as held and the message says what to remove', async () => {
    const t = await newRepo()
    await t.repo.close()
    await plantLock(t.dir, 'junk', {})
    await writeFile(join(t.dir, 'locks', 'junk'), 'not json')
    const err = await t
      .reopen()
      .then(
        (r) => r.prune({ dryRun: false }),
        (e: unknown) => Promise.reject(e instanceof Error ? e : new Error(String(e))),
      )
      .catch((e: unknown) => e)
    expect(err).toBeInstanceOf(RefusedError)
    expect((err as Error).message).toMatch(/unreadable lock file .*junk; remove it/)
  })
})
