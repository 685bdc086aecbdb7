import { randomBytes } from 'node:crypto'
import { access, link, mkdir, open, rename, unlink, type FileHandle } from 'node:fs/promises'
import { basename, dirname, join } from 'node:path'
import { errCode } from '../../../core/errors.js'
import { fsyncDir } from '../../../core/fsync-dir.js'

/** Prefix of every temp file: listings skip it, and valid repository names can never start with a dot. */
export const TEMP_PREFIX = '.tmp-'

/**
 * The two steps of a write that a test may replace to inject ENOSPC or EIO half-way. The real ones write
 * everything and fsync.
 */
export interface WriteIo {
  /** `target` is the final path (the handle is a temp file beside it), so a test can choose which writes fail. */
  write(fh: FileHandle, data: Uint8Array, target: string): Promise<void>
  sync(fh: FileHandle, target: string): Promise<void>
}

export const realIo: WriteIo = {
  write: async (fh, data) => {
    await fh.writeFile(data)
  },
  sync: (fh) => fh.sync(),
}

export class FileExistsError extends Error {
  override readonly name = 'FileExistsError'
  constructor(readonly path: string) {
    super(`${path} already exists`)
  }
}

export interface AtomicWriteOptions {
  /** Fail with FileExistsError rather than replace (link(2) instead of rename(2)). */
  exclusive?: boolean
  mode?: number
  io?: WriteIo
}

/**
 * The only way lastgood writes a file: temp file in the same directory → fsync → rename (or link, when
 * exclusive) → fsync the directory. A crash or a failure at any step leaves the target whole or absent;
 * a leftover temp file is invisible to listings. The parent directory is created when missing, and its own
 * parent fsynced, so the new entry survives a crash too.
 */
export async function atomicWrite(path: string, data: Uint8Array, opts: AtomicWriteOptions = {}): Promise<void> {
  const io = opts.io ?? realIo
  const dir = dirname(path)
  const tmp = join(dir, `${TEMP_PREFIX}${randomBytes(12).toString('hex')}`)
  const fh = await openTemp(tmp, opts.mode ?? 0o600)
  try {
    try {
      await io.write(fh, data, path)
      await io.sync(fh, path)
    } finally {
      await fh.close()
    }
    if (opts.exclusive) {
      await linkExclusive(tmp, path)
    } else {
      await rename(tmp, path)
    }
  } catch (err) {
    // Best effort: a temp file that survives is still invisible and prune removes it.
    await unlink(tmp).catch(() => undefined)
    throw err
  }
  await fsyncDir(dir)
}

/** File systems without hard links get a check-then-rename, exclusive except against a writer in the same instant. */
const NO_LINKS = new Set(['EPERM', 'ENOTSUP', 'EOPNOTSUPP', 'ENOSYS'])

/** Consumes the temp file: links it into place and unlinks it, or renames it. */
async function linkExclusive(tmp: string, path: string): Promise<void> {
  try {
    await link(tmp, path)
  } catch (err) {
    if (errCode(err) === 'EEXIST') throw new FileExistsError(path)
    if (!NO_LINKS.has(errCode(err) ?? '')) throw err
    const exists = await access(path).then(
      () => true,
      () => false,
    )
    if (exists) throw new FileExistsError(path)
    await rename(tmp, path)
    return
  }
  // The target is in place; a temp name left behind is invisible and prune removes it.
  await unlink(tmp).catch(() => undefined)
}

async function openTemp(tmp: string, mode: number): Promise<FileHandle> {
  try {
    return await open(tmp, 'wx', mode)
  } catch (err) {
    if (errCode(err) !== 'ENOENT') throw err
    await ensureDir(dirname(tmp))
    return open(tmp, 'wx', mode)
  }
}

/** Creates a directory (and parents) and makes each new entry durable by fsyncing the directory above it. */
export async function ensureDir(dir: string): Promise<void> {
  const first = await mkdir(dir, { recursive: true, mode: 0o700 })
  if (first === undefined) return
  let created = dir
  while (created !== first && dirname(created) !== created) {
    await fsyncDir(dirname(created))
    created = dirname(created)
  }
  await fsyncDir(dirname(first))
}

export function isTempName(name: string): boolean {
  return basename(name).startsWith(TEMP_PREFIX)
}
