import { createHash } from 'node:crypto'
import { lstat, mkdtemp, readdir, readFile, readlink } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { readFileSync } from 'node:fs'
import { afterEach } from 'vitest'
import { silentLogger } from '../../src/core/logger.js'
import type { ProviderContext } from '../../src/providers/provider.js'
import type { BlobStore } from '../../src/repository/blob-store.js'
import { removeTree } from '../../src/file-tree/durable-fs.js'

/** Temporary directories under os.tmpdir(), removed after each test of the file that calls this. */
export function useTempDirs(): (prefix?: string) => Promise<string> {
  const made: string[] = []
  afterEach(async () => {
    for (const dir of made.splice(0)) await removeTree(dir)
  })
  return async (prefix = 'lastgood-test-') => {
    const dir = await mkdtemp(join(tmpdir(), prefix))
    made.push(dir)
    return dir
  }
}

export function testContext(blobs: BlobStore, overrides: Partial<ProviderContext> = {}): ProviderContext {
  return {
    app: 'clinic',
    component: 'web',
    configDir: tmpdir(),
    blobs,
    signal: new AbortController().signal,
    log: silentLogger(),
    ...overrides,
  }
}

/**
 * Everything observable about a directory, the root included: type, permission bits, content hash, link
 * target. Two equal descriptions mean byte-for-byte, mode-for-mode equal trees; a description taken before
 * and after an operation proves it changed nothing.
 */
export async function describeTree(root: string): Promise<Record<string, string>> {
  const out: Record<string, string> = {}
  const visit = async (rel: string): Promise<void> => {
    const abs = rel === '' ? root : join(root, rel)
    const st = await lstat(abs)
    const mode = (st.mode & 0o777).toString(8)
    if (st.isSymbolicLink()) out[rel] = `symlink -> ${await readlink(abs)}`
    else if (st.isFile()) out[rel] = `file ${mode} ${st.size} ${sha256(await readFile(abs))}`
    else if (st.isDirectory()) {
      out[rel] = `dir ${mode}`
      for (const name of await readdir(abs)) await visit(rel === '' ? name : `${rel}/${name}`)
    } else out[rel] = 'other'
  }
  await visit('')
  return out
}

export function sha256(data: Uint8Array | string): string {
  return createHash('sha256').update(data).digest('hex')
}

/**
 * Whether a process is still running. A zombie counts as dead: it was killed, and in a container whose PID 1
 * does not reap orphans it may linger as a zombie for the rest of the run.
 */
export function alive(pid: number): boolean {
  try {
    process.kill(pid, 0)
  } catch {
    return false
  }
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8')
    return stat.slice(stat.lastIndexOf(')') + 2)[0] !== 'Z'
  } catch {
    return true // no /proc: signal 0 is all we can know
  }
}

/**
 * Entries without their capture stamps (ino, mtimeNs, ctimeNs): a file captured twice has the same content,
 * but the second capture may record a stamp the first could not (its ctime was not settled yet).
 */
export function withoutStamps<T>(value: T): T {
  return JSON.parse(
    JSON.stringify(value, (key, v: unknown) => (key === 'ino' || key === 'mtimeNs' || key === 'ctimeNs' ? undefined : v)),
  ) as T
}
