import { open, readdir, stat, unlink, rm } from 'node:fs/promises'
import { join } from 'node:path'
import {
  AlreadyExistsError,
  FILES_IN_FLIGHT,
  NotFoundError,
  assertValidHandle,
  isValidName,
  type Backend,
  type ByteRange,
  type FileInfo,
  type FileType,
  type Handle,
  type SaveOptions,
  type TempCleanup,
} from '../../backend.js'
import { mapBounded } from '../../../core/bounded-map.js'
import { errCode } from '../../../core/errors.js'
import { fsyncDir } from '../../../core/fsync-dir.js'
import { FileExistsError, atomicWrite, isTempName, realIo, type WriteIo } from './atomic-write.js'

const DIRS: Record<FileType, string> = {
  config: '',
  key: 'keys',
  pack: 'data',
  index: 'index',
  snapshot: 'snapshots',
  lock: 'locks',
  checkpoint: 'checkpoints',
}

export interface FsBackendOptions {
  /** Replaces the write and fsync steps, so tests can inject ENOSPC or EIO half-way through a save. */
  io?: WriteIo
}

/** Repository files in a local directory. Packs are spread over `data/<first 2 hex>/` to keep directories small. */
export class FsBackend implements Backend {
  private readonly io: WriteIo

  constructor(
    readonly location: string,
    opts: FsBackendOptions = {},
  ) {
    this.io = opts.io ?? realIo
  }

  path(h: Handle): string {
    assertValidHandle(h)
    if (h.type === 'config') return join(this.location, 'config')
    if (h.type === 'pack') return join(this.location, DIRS.pack, h.name.slice(0, 2), h.name)
    return join(this.location, DIRS[h.type], h.name)
  }

  async save(h: Handle, data: Uint8Array, opts: SaveOptions = {}): Promise<void> {
    try {
      await atomicWrite(this.path(h), data, { exclusive: opts.exclusive, io: this.io })
    } catch (err) {
      if (err instanceof FileExistsError) throw new AlreadyExistsError(h)
      throw err
    }
  }

  async load(h: Handle, range?: ByteRange): Promise<Uint8Array> {
    let fh
    try {
      fh = await open(this.path(h), 'r')
    } catch (err) {
      if (errCode(err) === 'ENOENT') throw new NotFoundError(h)
      throw err
    }
    try {
      if (!range) return await fh.readFile()
      const buf = Buffer.allocUnsafe(range.length)
      let got = 0
      while (got < range.length) {
        const { bytesRead } = await fh.read(buf, got, range.length - got, range.offset + got)
        if (bytesRead === 0) break
        got += bytesRead
      }
      return buf.subarray(0, got)
    } finally {
      await fh.close()
    }
  }

  async stat(h: Handle): Promise<FileInfo | undefined> {
    try {
      const s = await stat(this.path(h))
      return { name: h.name, size: s.size }
    } catch (err) {
      if (errCode(err) === 'ENOENT' || errCode(err) === 'ENOTDIR') return undefined
      throw err
    }
  }

  async *list(type: FileType): AsyncIterable<FileInfo> {
    if (type === 'config') {
      const info = await this.stat({ type, name: 'config' })
      if (info) yield info
      return
    }
    const base = join(this.location, DIRS[type])
    const dirs = type === 'pack' ? (await readdirOrEmpty(base)).filter((d) => /^[0-9a-f]{2}$/.test(d)) : ['']
    for (const sub of dirs) {
      const dir = join(base, sub)
      const names = (await readdirOrEmpty(dir)).filter((n) => !isTempName(n) && isValidName(n) && (type !== 'pack' || n.startsWith(sub)))
      // A directory of thousands of small files (index files, checkpoints): stat them side by side.
      const stats = await mapBounded(
        names,
        (name) =>
          stat(join(dir, name)).catch((err: unknown) => {
            if (errCode(err) === 'ENOENT') return undefined // removed while we listed
            throw err
          }),
        { concurrency: FILES_IN_FLIGHT },
      )
      for (const [i, s] of stats.entries()) if (s?.isFile()) yield { name: names[i]!, size: s.size }
    }
  }

  async remove(h: Handle): Promise<void> {
    const path = this.path(h)
    try {
      await unlink(path)
    } catch (err) {
      if (errCode(err) === 'ENOENT') return
      throw err
    }
    await fsyncDir(join(path, '..'))
  }

  async removeTempFiles(): Promise<TempCleanup> {
    const out = { files: 0, bytes: 0 }
    const packDirs = (await readdirOrEmpty(join(this.location, 'data'))).map((d) => join('data', d))
    const dirs = ['', 'keys', 'data', 'index', 'snapshots', 'locks', 'checkpoints', ...packDirs]
    for (const rel of dirs) {
      const dir = join(this.location, rel)
      for (const name of await readdirOrEmpty(dir)) {
        if (!isTempName(name)) continue
        const s = await stat(join(dir, name)).catch(() => undefined)
        await rm(join(dir, name), { force: true })
        out.files++
        out.bytes += s?.size ?? 0
      }
    }
    return out
  }
}

async function readdirOrEmpty(dir: string): Promise<string[]> {
  try {
    return await readdir(dir)
  } catch (err) {
    if (errCode(err) === 'ENOENT' || errCode(err) === 'ENOTDIR') return []
    throw err
  }
}
