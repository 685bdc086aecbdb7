import { randomBytes } from 'node:crypto'
import { execFileSync } from 'node:child_process'
import { appendFile, readFile, truncate, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { UserError } from '../../src/core/errors.js'
import { FilePool } from '../../src/file-tree/file-pool.js'
import { forEachChunk } from '../../src/file-tree/read-chunks.js'
import { CHUNK_SIZE } from '../../src/file-tree/tree-entry.js'
import { sha256, useTempDirs } from '../providers/fixtures.js'

const tempDir = useTempDirs()

/** Reads `abs` with forEachChunk, running `during(index)` while chunk `index` is handed over. */
async function chunksOf(abs: string, during: (index: number) => Promise<void> = () => Promise.resolve()) {
  const chunks: Buffer[] = []
  const read = await forEachChunk(abs, async (chunk, index) => {
    chunks.push(Buffer.from(chunk))
    await during(index)
  })
  return { chunks, read }
}

/** Fixed chunking: every chunk but the last holds exactly CHUNK_SIZE bytes, so boundaries stay put. */
function expectBoundaries(chunks: Buffer[], whole: Buffer): void {
  for (const c of chunks.slice(0, -1)) expect(c.length).toBe(CHUNK_SIZE)
  expect(chunks.at(-1)!.length).toBeGreaterThan(0)
  expect(chunks.at(-1)!.length).toBeLessThanOrEqual(CHUNK_SIZE)
  expect(Buffer.concat(chunks).equals(whole)).toBe(true)
}

describe('forEachChunk', () => {
  it('cuts a file at multiples of CHUNK_SIZE, hands an empty file no chunk, and reports it steady', async () => {
    const dir = await tempDir()
    for (const size of [0, 1, 4095, CHUNK_SIZE - 1, CHUNK_SIZE, CHUNK_SIZE + 1, 2 * CHUNK_SIZE + 7]) {
      const abs = join(dir, `f${size}`)
      const data = randomBytes(size)
      await writeFile(abs, data)
      const { chunks, read } = await chunksOf(abs)
      expect(read).toMatchObject({ bytes: size, steady: true })
      expect(chunks.length).toBe(Math.ceil(size / CHUNK_SIZE))
      if (size > 0) expectBoundaries(chunks, data)
    }
  })

  it('a file that grows while read keeps its chunk boundaries and is read to its new end, not steady', async () => {
    const abs = join(await tempDir(), 'growing')
    await writeFile(abs, randomBytes(CHUNK_SIZE + 10))
    // fstat said 10 bytes after the first chunk; by the time they are read there are a chunk and 3 MiB more.
    const { chunks, read } = await chunksOf(abs, async (index) => {
      if (index === 0) await appendFile(abs, randomBytes(CHUNK_SIZE + 3 * 1024 * 1024))
    })
    const whole = await readFile(abs)
    expect(read).toMatchObject({ bytes: whole.length, steady: false })
    expect(chunks.map((c) => c.length)).toEqual([CHUNK_SIZE, CHUNK_SIZE, 10 + 3 * 1024 * 1024])
    expectBoundaries(chunks, whole)

    const small = join(await tempDir(), 'grows-a-little')
    await writeFile(small, randomBytes(CHUNK_SIZE + 10))
    const little = await chunksOf(small, async (index) => {
      if (index === 0) await appendFile(small, randomBytes(1000))
    })
    expect(little.chunks.map((c) => c.length)).toEqual([CHUNK_SIZE, 1010])
    expectBoundaries(little.chunks, await readFile(small))
  })

  it('a file that shrinks while read keeps its boundaries, ends where the data ends, and is not steady', async () => {
    const abs = join(await tempDir(), 'shrinking')
    await writeFile(abs, randomBytes(2 * CHUNK_SIZE + 10))
    const { chunks, read } = await chunksOf(abs, async (index) => {
      if (index === 0) await truncate(abs, CHUNK_SIZE + 100)
    })
    const whole = await readFile(abs)
    expect(read).toMatchObject({ bytes: CHUNK_SIZE + 100, steady: false })
    expect(chunks.map((c) => c.length)).toEqual([CHUNK_SIZE, 100])
    expectBoundaries(chunks, whole)

    const exact = join(await tempDir(), 'shrinks-to-a-boundary')
    await writeFile(exact, randomBytes(CHUNK_SIZE + 10))
    const cut = await chunksOf(exact, async () => truncate(exact, CHUNK_SIZE))
    expect(cut.chunks.map((c) => c.length)).toEqual([CHUNK_SIZE])
    expect(cut.read).toMatchObject({ bytes: CHUNK_SIZE, steady: false })
  })

  it('hands each chunk in a buffer sized to the data, never a full chunk for a small file', async () => {
    const abs = join(await tempDir(), 'small')
    await writeFile(abs, 'twelve bytes')
    const { chunks } = await chunksOf(abs)
    expect(chunks[0]!.toString()).toBe('twelve bytes')
    let backing = 0
    await forEachChunk(abs, (chunk) => {
      backing = chunk.buffer.byteLength
    })
    expect(backing).toBeLessThan(64 * 1024)
  })

  it('refuses a FIFO or a symlink put where a file was, without blocking', async () => {
    const dir = await tempDir()
    execFileSync('mkfifo', [join(dir, 'fifo')])
    await expect(forEachChunk(join(dir, 'fifo'), () => undefined)).rejects.toThrow(/no longer a regular file/)
    await writeFile(join(dir, 'real'), 'x')
    execFileSync('ln', ['-s', 'real', join(dir, 'link')])
    await expect(forEachChunk(join(dir, 'link'), () => undefined)).rejects.toBeInstanceOf(UserError)
  })
})

describe('FilePool', () => {
  it('reads small files whole with their SHA-256 and stamp, and hands back what it does not handle', async () => {
    const dir = await tempDir()
    await writeFile(join(dir, 'a'), 'alpha')
    await writeFile(join(dir, 'empty'), '')
    await writeFile(join(dir, 'big'), randomBytes(CHUNK_SIZE))
    await writeFile(join(dir, 'grew'), 'longer than the walk saw')
    execFileSync('mkfifo', [join(dir, 'fifo')])
    const pool = FilePool.open(2)
    try {
      const files = [
        { abs: join(dir, 'a'), size: 5 },
        { abs: join(dir, 'empty'), size: 0 },
        { abs: join(dir, 'big'), size: CHUNK_SIZE },
        // The walk saw 4 bytes; the file holds more now: it no longer fits the room lent for it.
        { abs: join(dir, 'grew'), size: 4 },
        { abs: join(dir, 'fifo'), size: 0 },
        { abs: join(dir, 'missing'), size: 1 },
      ]
      const seen = await pool.read(files, (results) =>
        Promise.resolve(
          results.map((r) => ('ok' in r ? { ...r.ok, data: r.ok.data?.toString() } : 'error' in r ? r.error.code : 'fallback')),
        ),
      )
      expect(seen[0]).toMatchObject({ bytes: 5, steady: true, id: sha256('alpha'), data: 'alpha' })
      expect(seen[0]).toHaveProperty('ino')
      expect(seen[1]).toMatchObject({ bytes: 0, steady: true })
      expect(seen[1]).not.toHaveProperty('id', expect.anything())
      expect(seen.slice(2)).toEqual(['fallback', 'fallback', 'ENOTREG', 'ENOENT'])

      const hashed = await pool.hash([
        { abs: join(dir, 'a'), size: 5, id: sha256('alpha') },
        { abs: join(dir, 'a'), size: 5, id: sha256('other') },
        { abs: join(dir, 'a'), size: 6, id: sha256('alpha') },
        { abs: join(dir, 'empty'), size: 0, id: undefined },
      ])
      expect(hashed.map((r) => ('ok' in r ? r.ok : r))).toEqual([true, false, false, true])
    } finally {
      await pool.close()
    }
    await expect(pool.hash([])).rejects.toThrow(/closed/)
  })
})
