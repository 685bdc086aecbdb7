import { execFileSync } from 'node:child_process'
import { chmod, lstat, readdir, rename, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { setTimeout as sleep } from 'node:timers/promises'
import { describe, expect, it } from 'vitest'
import { captureTree } from '../../src/file-tree/capture-tree.js'
import { PreviousFiles, settled } from '../../src/file-tree/reuse-previous.js'
import { treeDigest, type FileEntry, type TreeEntry } from '../../src/file-tree/tree-entry.js'
import { MemoryBlobStore } from '../helpers/memory-blob-store.js'
import { sha256, useTempDirs } from '../providers/fixtures.js'

const tempDir = useTempDirs()

/**
 * Waits until every file under `dir` has a settled ctime (reuse-previous.ts): a stamp is recorded only for a
 * file whose ctime is at least a timestamp tick older than the capture.
 */
async function settle(dir: string): Promise<void> {
  const coarse = (await Promise.all((await readdir(dir)).map((n) => lstat(join(dir, n), { bigint: true })))).some(
    (st) => st.ctimeNs % 1_000_000_000n === 0n,
  )
  await sleep(coarse ? 2100 : 150)
}

const files = (entries: TreeEntry[]) => new Map(entries.filter((e): e is FileEntry => e.type === 'file').map((e) => [e.path, e]))

/**
 * A previous capture whose content ids were swapped for another blob the store holds: when the new capture
 * reports that other id, it reused the entry without reading the file; when it reports the real hash, it read.
 */
function decoy(entries: TreeEntry[], blobs: MemoryBlobStore): { previous: PreviousFiles; decoyId: string } {
  const decoyId = sha256('a decoy the store holds')
  blobs.plant(decoyId, Buffer.from('a decoy the store holds'))
  const swapped = entries.map((e) => (e.type === 'file' && e.size > 0 ? { ...e, content: [decoyId] } : e))
  return { previous: new PreviousFiles(swapped), decoyId }
}

describe('parent skip: a capture reuses the previous entry of a file whose metadata did not change', () => {
  it('records ino, mtimeNs and ctimeNs for settled files; they leave the digest alone', async () => {
    const root = await tempDir()
    await writeFile(join(root, 'a.txt'), 'alpha\n')
    await settle(root)
    const blobs = new MemoryBlobStore()
    const tree = await captureTree(root, blobs)
    const a = files(tree.entries).get('a.txt')!
    const st = await lstat(join(root, 'a.txt'), { bigint: true })
    expect(a).toMatchObject({ ino: st.ino.toString(), mtimeNs: st.mtimeNs.toString(), ctimeNs: st.ctimeNs.toString() })
    const bare = tree.entries.map((e) =>
      e.type === 'file' ? { path: e.path, type: e.type, mode: e.mode, size: e.size, content: e.content, uid: e.uid, gid: e.gid } : e,
    )
    expect(treeDigest(bare)).toBe(tree.digest)
  })

  it('does not record a stamp for a file changed within the last timestamp tick (racy)', async () => {
    const root = await tempDir()
    // The capture code loads on its first call; loaded here, it cannot delay the capture below past the tick.
    await captureTree(await tempDir(), new MemoryBlobStore())
    await writeFile(join(root, 'fresh.txt'), 'just written\n')
    const tree = await captureTree(root, new MemoryBlobStore())
    expect(files(tree.entries).get('fresh.txt')).not.toHaveProperty('ctimeNs')
    const now = BigInt(Date.now()) * 1_000_000n
    expect(settled(now - 50_000_000n, now)).toBe(false)
    expect(settled(now - 150_000_001n, now)).toBe(true)
    // A whole-second ctime may come from a 1 s or 2 s clock: it must be 2 s old.
    const second = (now / 1_000_000_000n) * 1_000_000_000n - 1_000_000_000n
    expect(settled(second, second + 1_500_000_000n)).toBe(false)
    expect(settled(second, second + 2_000_000_000n)).toBe(true)
  })

  it('reuses unchanged files without reading them, and reads again after a write, a chmod or a restored mtime', async () => {
    const root = await tempDir()
    for (const name of ['same.txt', 'written.txt', 'chmoded.txt', 'backdated.txt']) await writeFile(join(root, name), `${name}\n`)
    await settle(root)
    const blobs = new MemoryBlobStore()
    const first = await captureTree(root, blobs)
    const { previous, decoyId } = decoy(first.entries, blobs)

    const before = await lstat(join(root, 'backdated.txt'), { bigint: true })
    execFileSync('touch', ['-m', '-r', join(root, 'backdated.txt'), join(root, 'reference')])
    await writeFile(join(root, 'written.txt'), 'WRITTEN.TXT\n') // same size, other bytes
    await chmod(join(root, 'chmoded.txt'), 0o600)
    await writeFile(join(root, 'backdated.txt'), 'BACKDATED.TXT\n')
    // touch -r: the old mtime comes back to the nanosecond (and the size is the same), but the kernel moved
    // ctime on, and no call lets a user set it back.
    execFileSync('touch', ['-m', '-r', join(root, 'reference'), join(root, 'backdated.txt')])
    expect((await lstat(join(root, 'backdated.txt'), { bigint: true })).mtimeNs).toBe(before.mtimeNs)

    const second = files((await captureTree(root, blobs, { previous })).entries)
    expect(second.get('same.txt')!.content).toEqual([decoyId])
    expect(second.get('written.txt')!.content).toEqual([sha256('WRITTEN.TXT\n')])
    expect(second.get('chmoded.txt')).toMatchObject({ mode: 0o600, content: [sha256('chmoded.txt\n')] })
    expect(second.get('backdated.txt')!.content).toEqual([sha256('BACKDATED.TXT\n')])
  })

  it('never reuses an id the repository lacks, nor an entry for another inode, size or path', async () => {
    const root = await tempDir()
    await writeFile(join(root, 'kept.txt'), 'kept\n')
    await writeFile(join(root, 'replaced.txt'), 'replaced\n')
    await settle(root)
    const blobs = new MemoryBlobStore()
    const first = await captureTree(root, blobs)
    const prev = files(first.entries)

    const missing = 'f'.repeat(64)
    const crafted: TreeEntry[] = [
      { ...prev.get('kept.txt')!, content: [missing] },
      { ...prev.get('replaced.txt')!, path: 'elsewhere.txt' },
    ]
    // Same name, new inode (a deploy tool writes a temporary file and renames it over the old one).
    await writeFile(join(root, 'replaced.tmp'), 'replaced\n')
    await rename(join(root, 'replaced.tmp'), join(root, 'replaced.txt'))
    const { previous } = decoy(first.entries, blobs)
    const again = files((await captureTree(root, blobs, { previous })).entries)
    expect(again.get('replaced.txt')!.content).toEqual([sha256('replaced\n')])

    const none = files((await captureTree(root, blobs, { previous: new PreviousFiles(crafted) })).entries)
    expect(none.get('kept.txt')!.content).toEqual([sha256('kept\n')])
    expect(await blobs.hasBlob(missing)).toBe(false)
  })

  it('ignores a previous manifest of the wrong shape instead of trusting it', async () => {
    const live = {
      path: 'a',
      abs: '/x/a',
      type: 'file' as const,
      mode: 0o644,
      size: 3,
      uid: 0,
      gid: 0,
      stamp: { ino: '1', mtimeNs: '2', ctimeNs: '3' },
    }
    const blobs = new MemoryBlobStore()
    const id = sha256('abc')
    blobs.plant(id, Buffer.from('abc'))
    const good = { path: 'a', type: 'file', mode: 0o644, size: 3, content: [id], ino: '1', mtimeNs: '2', ctimeNs: '3' }
    expect(await new PreviousFiles([good]).reuse(live, blobs)).toMatchObject({ content: [id], ino: '1' })
    for (const bad of [
      { ...good, content: [id, id] },
      { ...good, content: ['not-an-id'] },
      { ...good, size: 3.5 },
      { ...good, ino: 1 },
      { ...good, ctimeNs: undefined },
      { ...good, type: 'dir' },
    ]) {
      expect(await new PreviousFiles([bad]).reuse(live, blobs)).toBeUndefined()
    }
    expect(new PreviousFiles('not a list').size).toBe(0)
  })
})
