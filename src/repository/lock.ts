import { hostname, userInfo } from 'node:os'
import { RefusedError } from '../core/errors.js'
import { processAlive } from '../core/process-alive.js'
import { valueText } from '../core/value-text.js'
import { NotFoundError, type Backend } from './backend.js'
import { randomHex } from './crypto/seal.js'

/**
 * `locks/<random id>`: plain JSON naming the holder. Writers (every open repository) hold a shared lock; prune
 * holds an exclusive one. A lock whose process is gone on this host, or older than STALE_AFTER_MS, is stale and
 * removed by whoever meets it. Holders refresh their lock as they work, so only an idle holder can go stale.
 */

export interface LockInfo {
  exclusive: boolean
  host: string
  pid: number
  user: string
  time: string
}

export const STALE_AFTER_MS = 12 * 60 * 60 * 1000
const REFRESH_AFTER_MS = 60 * 60 * 1000

export class RepoLock {
  private constructor(
    private readonly backend: Backend,
    private name: string,
    private info: LockInfo,
  ) {}

  get fileName(): string {
    return this.name
  }

  /**
   * Takes a lock, or throws RefusedError naming a conflicting holder (nothing is left behind). `ignore` names
   * this process's own locks, so a writer can take the exclusive lock on top of its shared one.
   */
  static async acquire(backend: Backend, exclusive: boolean, ignore: string[] = []): Promise<RepoLock> {
    const refuse = async (): Promise<void> => {
      const holder = await findConflict(backend, exclusive, ignore)
      if (holder) throw new RefusedError(describe(backend, holder))
    }
    await refuse()
    const info = newInfo(exclusive)
    const name = randomHex(16)
    await backend.save({ type: 'lock', name }, encode(info))
    const lock = new RepoLock(backend, name, info)
    // Two processes may both pass the first check; whoever looks second sees the other and steps back.
    ignore = [...ignore, name]
    try {
      await refuse()
    } catch (err) {
      await lock.release()
      throw err
    }
    return lock
  }

  /** Rewrites the lock with a fresh time when it is getting old. Cheap to call often. */
  async refresh(): Promise<void> {
    if (Date.now() - Date.parse(this.info.time) < REFRESH_AFTER_MS) return
    const info = newInfo(this.info.exclusive)
    const name = randomHex(16)
    await this.backend.save({ type: 'lock', name }, encode(info))
    const old = this.name
    this.name = name
    this.info = info
    await this.backend.remove({ type: 'lock', name: old })
  }

  /** Idempotent. */
  async release(): Promise<void> {
    await this.backend.remove({ type: 'lock', name: this.name })
  }
}

interface Holder extends Partial<LockInfo> {
  name: string
}

async function findConflict(backend: Backend, exclusive: boolean, ignore: string[]): Promise<Holder | undefined> {
  for await (const f of backend.list('lock')) {
    if (ignore.includes(f.name)) continue
    let holder: Holder
    try {
      holder = {
        ...(JSON.parse(Buffer.from(await backend.load({ type: 'lock', name: f.name })).toString('utf8')) as LockInfo),
        name: f.name,
      }
    } catch (err) {
      if (err instanceof NotFoundError) continue
      return { name: f.name } // unreadable: treat as held, the message tells the operator what to remove
    }
    if (isStale(holder)) {
      await backend.remove({ type: 'lock', name: f.name })
      continue
    }
    if (exclusive || holder.exclusive) return holder
  }
  return undefined
}

export function isStale(l: Partial<LockInfo>, now = Date.now()): boolean {
  const time = typeof l.time === 'string' ? Date.parse(l.time) : Number.NaN
  if (Number.isNaN(time) || now - time > STALE_AFTER_MS) return true
  return l.host === hostname() && typeof l.pid === 'number' && !processAlive(l.pid)
}

function describe(backend: Backend, h: Holder): string {
  const where = `${backend.location}/locks/${h.name}`
  if (h.host === undefined) {
    return `repository ${backend.location} is locked by an unreadable lock file ${where}; remove it if no lastgood process is running`
  }
  const kind = h.exclusive ? 'an exclusive lock (prune)' : 'a shared lock'
  return (
    `repository ${backend.location} is in use: ${kind} held by pid ${valueText(h.pid)} on host ${valueText(h.host)} (user ${valueText(h.user)}) ` +
    `since ${valueText(h.time)}; try again when it finishes, or remove ${where} if that process is gone`
  )
}

function newInfo(exclusive: boolean): LockInfo {
  let user = 'unknown'
  try {
    user = userInfo().username
  } catch {
    // no passwd entry (containers): the pid and host still identify the holder
  }
  return { exclusive, host: hostname(), pid: process.pid, user, time: new Date().toISOString() }
}

function encode(info: LockInfo): Buffer {
  return Buffer.from(JSON.stringify(info, null, 2) + '\n')
}
