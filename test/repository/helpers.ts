import { randomBytes } from 'node:crypto'
import { mkdtemp, readdir, rm, stat } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join, relative } from 'node:path'
import { afterEach } from 'vitest'
import { Repository, type KeySource, type RepositoryOptions } from '../../src/repository/repository.js'

/** The smallest scrypt cost the repository accepts, so passphrase tests stay fast. */
export const FAST_KDF = { N: 2 ** 14, r: 8, p: 1 }

const dirs: string[] = []
const open: Repository[] = []

afterEach(async () => {
  for (const r of open.splice(0)) await r.close().catch(() => undefined)
  for (const d of dirs.splice(0)) await rm(d, { recursive: true, force: true })
})

/** A fresh temp directory, removed after the test. */
export async function tempDir(): Promise<string> {
  const d = await mkdtemp(join(tmpdir(), 'lastgood-repo-test-'))
  dirs.push(d)
  return d
}

export interface TestRepo {
  dir: string
  key: KeySource
  repo: Repository
  reopen(opts?: RepositoryOptions): Promise<Repository>
}

/** A key-file repository (no scrypt: fast) in a fresh temp directory; closed after the test. */
export async function newRepo(opts: RepositoryOptions = {}): Promise<TestRepo> {
  const base = await tempDir()
  const dir = join(base, 'repo')
  const key = { keyFile: join(base, 'repository.key') }
  const repo = track(await Repository.init(dir, key, opts))
  return {
    dir,
    key,
    repo,
    reopen: async (more: RepositoryOptions = {}) => track(await Repository.open(dir, key, { ...opts, ...more })),
  }
}

export function track(r: Repository): Repository {
  open.push(r)
  return r
}

/** Text that compresses, or random bytes that do not. */
export function content(size: number, compressible: boolean, seed = randomBytes(8).toString('hex')): Buffer {
  if (!compressible) return randomBytes(size)
  const line = Buffer.from(`${seed} patient record line, ward 7, observation ok\n`)
  const out = Buffer.alloc(size)
  for (let o = 0; o < size; o += line.length) line.copy(out, o)
  return out
}

export function manifest(refs: string[], extra: Record<string, unknown> = {}): Uint8Array {
  return Buffer.from(JSON.stringify({ provider: 'test', version: 'v1', refs, ...extra }))
}

export function snapshot(id: string, manifests: string[]) {
  return {
    id,
    app: 'staff',
    createdAt: new Date(0).toISOString(),
    kind: 'manual',
    components: manifests.map((m, i) => ({ name: `c${i}`, provider: 'test', version: 'v1', manifest: m })),
  }
}

/** Every file under dir, relative, with its size: to prove that a refused operation changed nothing. */
export async function listFiles(dir: string): Promise<string[]> {
  const out: string[] = []
  const walk = async (d: string): Promise<void> => {
    for (const e of await readdir(d, { withFileTypes: true })) {
      const p = join(d, e.name)
      if (e.isDirectory()) await walk(p)
      else out.push(`${relative(dir, p)} ${(await stat(p)).size}`)
    }
  }
  await walk(dir)
  return out.sort()
}

/** Files of one kind, as the repository lays them out. */
export async function filesIn(dir: string, sub: 'data' | 'index' | 'snapshots' | 'locks' | 'keys'): Promise<string[]> {
  return (await listFiles(join(dir, sub))).map((l) => join(dir, sub, l.split(' ')[0]!))
}

/** Byte equality; vitest's deep toEqual walks buffers element by element and is very slow on large ones. */
export function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  return Buffer.from(a.buffer, a.byteOffset, a.byteLength).equals(b)
}
