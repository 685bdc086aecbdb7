import { statfs } from 'node:fs/promises'
import { mkdir } from 'node:fs/promises'
import { existsSync } from 'node:fs'
import { join } from 'node:path'
import { beforeEach, describe, expect, it } from 'vitest'
import { IntegrityError } from '../../src/core/errors.js'
import { materialiseTree } from '../../src/file-tree/materialise-tree.js'
import { CHUNK_SIZE, type TreeEntry } from '../../src/file-tree/tree-entry.js'
import { parseCapturedTree } from '../../src/file-tree/validate-entries.js'
import { MemoryBlobStore } from '../helpers/memory-blob-store.js'
import { describeTree, sha256, useTempDirs } from '../providers/fixtures.js'

const tempDir = useTempDirs()
let sandbox: string
let dest: string
let blobs: MemoryBlobStore
let pwn: string

beforeEach(async () => {
  // Deep enough that `../../../../x` from dest still lands inside the sandbox, where we can look for it.
  sandbox = await tempDir()
  const parent = join(sandbox, 'a/b/c/d/e')
  await mkdir(parent, { recursive: true })
  dest = join(parent, 'dest')
  blobs = new MemoryBlobStore()
  pwn = await blobs.putBlob('data', Buffer.from('pwn'))
})

const file = (path: string, extra: Partial<TreeEntry> = {}) =>
  ({ path, type: 'file', mode: 0o644, size: 3, content: [pwn], ...extra }) as TreeEntry
const dir = (path: string) => ({ path, type: 'dir', mode: 0o755 }) as TreeEntry
const link = (path: string, target: string) => ({ path, type: 'symlink', target }) as TreeEntry

/** Asserts the manifest is refused with IntegrityError and that the sandbox is exactly as it was. */
async function expectRefused(entries: TreeEntry[], pattern: RegExp): Promise<void> {
  const before = await describeTree(sandbox)
  const err = await materialiseTree(entries, dest, blobs).catch((e: unknown) => e)
  expect(err).toBeInstanceOf(IntegrityError)
  expect((err as Error).message).toMatch(pattern)
  expect(existsSync(dest)).toBe(false)
  expect(await describeTree(sandbox)).toEqual(before)
}

describe('RELIABILITY case 4: unsafe entry names are refused before anything is written', () => {
  it.each([
    ['../../../../etc/shadow', /"\.\." segment/],
    ['////etc/passwd', /absolute/],
    ['/etc/passwd', /absolute/],
    ['a/../../x', /"\.\." segment/],
    ['ok/./x', /"\." segment/],
    ['ok//x', /empty segment/],
    ['ok/', /empty segment/],
    ['', /empty/],
    ['evil\0.txt', /NUL/],
    ['bad\ud800name', /not valid Unicode/],
  ])('refuses %j', async (path, pattern) => {
    await expectRefused([dir('a'), dir('ok'), file('fine.txt'), file(path)], pattern)
  })

  it('refuses a path that appears twice', async () => {
    await expectRefused([file('x'), file('x')], /appears twice/)
  })

  it('refuses an entry whose parent directory the manifest does not declare', async () => {
    await expectRefused([file('undeclared/x')], /parent "undeclared" is not a directory/)
  })
})

describe('RELIABILITY case 5: nothing is written through or to a symlink leaving the target root', () => {
  it('refuses dir a, then symlink a → /etc, then a/x', async () => {
    await expectRefused([dir('a'), link('a', '/etc'), file('a/x')], /absolute|appears twice/)
    // With a harmless target the duplicate alone is enough to refuse it.
    await expectRefused([dir('a'), dir('b'), link('a', 'b'), file('a/x')], /appears twice/)
  })

  it('refuses symlink a → /etc, then a/x, even without the directory', async () => {
    await expectRefused([link('a', '/etc'), file('a/x')], /absolute|parent "a" is not a directory/)
  })

  it('refuses a file under a symlink that points inside: only declared directories may hold entries', async () => {
    await expectRefused([dir('real'), link('a', 'real'), file('a/x')], /parent "a" is not a directory/)
  })

  it.each([
    ['escape', '../outside'],
    ['deep/escape', '../../outside'],
    ['absolute', '/etc'],
    ['via-inner-link', 'x/y/up/..'],
    ['loop', 'loop'],
  ])('refuses the link %s → %s', async (path, target) => {
    const entries = [dir('deep'), dir('x'), dir('x/y'), link('x/y/up', '../..'), link(path, target)]
    await expectRefused(entries, /symlink target|absolute/)
  })

  it('accepts links that stay inside, through other links too', async () => {
    const entries = [dir('x'), dir('x/y'), file('x/y/f'), link('x/y/up', '../..'), link('t', 'x/y/up/x/y/f'), link('d', 'x/../x')]
    await materialiseTree(entries, dest, blobs)
    expect(existsSync(join(dest, 't'))).toBe(true)
  })
})

describe('RELIABILITY case 6: nesting and size bombs are refused within limits', () => {
  it('refuses a path nested 1,025 levels deep, and accepts 1,024', async () => {
    const chain = (n: number) => Array.from({ length: n }, (_, i) => dir(Array.from({ length: i + 1 }, () => 'd').join('/')))
    await expectRefused(chain(1025), /deeper than 1024 levels/)
    await materialiseTree(chain(1024), dest, blobs)
    expect(existsSync(join(dest, ...Array.from({ length: 1024 }, () => 'd')))).toBe(true)
  })

  it('refuses a size that does not match its chunks', async () => {
    await expectRefused([file('bomb', { size: 2 ** 52 })], /does not match its 1 chunks/)
    await expectRefused([file('short', { size: CHUNK_SIZE + 1 })], /does not match/)
  })

  it('refuses files that add up to more than the byte limit, with consistent chunk counts', async () => {
    const claim = 2 * 1024 ** 4 // 2 TiB, over the 1 TiB default
    const content = Array.from({ length: claim / CHUNK_SIZE }, () => pwn)
    await expectRefused([file('huge', { size: claim, content })], /more than the limit/)
  })

  it('refuses more entries than the configured maximum', async () => {
    const entries = Array.from({ length: 11 }, (_, i) => file(`f${i}`))
    const limits = { maxEntries: 10, maxBytes: 1024, maxDepth: 1024 }
    expect(() => parseCapturedTree({ digest: 'x', entries }, limits)).toThrow(/more than the limit of 10/)
    await expect(materialiseTree(entries, dest, blobs, { limits })).rejects.toBeInstanceOf(IntegrityError)
    expect(existsSync(dest)).toBe(false)
  })

  it('refuses a claim larger than the free space before writing (UserError)', async () => {
    const fs = await statfs(sandbox)
    const claim = Math.ceil((fs.bavail * fs.bsize + 1024 ** 3) / CHUNK_SIZE) * CHUNK_SIZE
    const content = Array.from({ length: claim / CHUNK_SIZE }, (_, i) => sha256(`fake chunk ${i}`))
    for (const id of content) blobs.plant(id, Buffer.alloc(1))
    const before = await describeTree(sandbox)
    const limits = { maxEntries: 10, maxBytes: claim, maxDepth: 1024 }
    await expect(materialiseTree([file('huge', { size: claim, content })], dest, blobs, { limits })).rejects.toMatchObject({
      name: 'UserError',
      message: expect.stringMatching(/only \d+ are free/),
    })
    expect(await describeTree(sandbox)).toEqual(before)
  })
})

describe('chunks that lie, or are missing or damaged, leave no partial tree', () => {
  it('a chunk shorter than its entry claims is refused mid-write and the partial directory removed', async () => {
    const entries = [file('a-fine.txt'), dir('sub'), file('sub/b-fine.txt'), file('z-liar', { size: 10 })]
    await expectRefused(entries, /holds 3 bytes where the manifest says 10/)
  })

  it('a missing chunk is refused before anything is written', async () => {
    await expectRefused([file('x', { content: [sha256('never stored')] })], /missing from the repository/)
  })

  it('a damaged chunk is refused and the partial directory removed', async () => {
    blobs.tamper(pwn, Buffer.from('pwm'))
    await expectRefused([dir('sub'), file('sub/x')], /damaged/)
  })

  it('a digest that does not match the entries is refused', () => {
    expect(() => parseCapturedTree({ digest: sha256('other'), entries: [file('x')] })).toThrow(/do not match the tree digest/)
  })

  it('refuses modes outside 0000-0777 (no setuid from a manifest) and unknown entry types', async () => {
    await expectRefused([file('suid', { mode: 0o4755 })], /mode/)
    await expectRefused([{ path: 'dev', type: 'device' } as unknown as TreeEntry], /entry type/)
  })
})
