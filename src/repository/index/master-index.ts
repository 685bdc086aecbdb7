import { FILES_IN_FLIGHT, listAll, loadIfPresent, type Backend } from '../backend.js'
import type { BlobType } from '../blob-store.js'
import type { PackEntry } from '../pack/pack-header.js'
import { decodeIndexFile, encodeIndexFiles, type PackRecord } from './index-file.js'
import { mapBounded } from '../../core/bounded-map.js'
import { messageOf } from '../../core/errors.js'

export interface BlobLocation extends PackEntry {
  packId: string
}

export interface IndexProblem {
  file: string
  message: string
}

/**
 * Every index file, loaded into memory on first need: blob → where it is, pack → its size and blobs. A damaged
 * index file does not stop the repository from opening (other snapshots stay restorable); it is recorded in
 * `problems`, verify reports it and prune refuses to run until it is resolved.
 */
export class MasterIndex {
  readonly blobs = new Map<string, BlobLocation>()
  readonly packs = new Map<string, PackRecord>()
  readonly files = new Set<string>()
  readonly problems: IndexProblem[] = []
  /** Packs written by this session whose index file is not written yet. */
  private unsaved: PackRecord[] = []

  static async load(backend: Backend, dataKey: Uint8Array): Promise<MasterIndex> {
    const idx = new MasterIndex()
    await idx.loadNew(backend, dataKey)
    return idx
  }

  /**
   * Loads the index files this index has not seen: those other processes wrote since it was loaded. A
   * long-running process (the monitor) calls it when a blob is missing, so it can restore a snapshot taken
   * after it started. Returns how many files it loaded.
   */
  async loadNew(backend: Backend, dataKey: Uint8Array): Promise<number> {
    const known = new Set([...this.files, ...this.problems.map((p) => p.file)])
    const names = (await listAll(backend, 'index')).map((f) => f.name).filter((name) => !known.has(name))
    // A repository no prune has compacted holds one small file per session that wrote: read them side by side.
    const read = await mapBounded(names, (name) => readIndexFile(backend, dataKey, name), { concurrency: FILES_IN_FLIGHT })
    let loaded = 0
    for (const [i, r] of read.entries()) {
      const name = names[i]!
      if (r === 'gone') continue // removed by a prune between list and load
      if ('damaged' in r) {
        this.problems.push({ file: name, message: `index file ${name} is damaged: ${r.damaged}` })
        continue
      }
      this.files.add(name)
      for (const p of r.records) this.add(p)
      loaded++
    }
    return loaded
  }

  /** The index prune leaves behind: exactly these packs, described by these (already durable) files. */
  static fromRecords(records: PackRecord[], files: Iterable<string>): MasterIndex {
    const idx = new MasterIndex()
    for (const r of records) idx.add(r)
    for (const f of files) idx.files.add(f)
    return idx
  }

  get(id: string): BlobLocation | undefined {
    return this.blobs.get(id)
  }

  typeOf(id: string): BlobType | undefined {
    return this.blobs.get(id)?.type
  }

  /** Records a durable pack. It becomes durable in the index only after saveUnsaved(). */
  addWritten(r: PackRecord): void {
    this.add(r)
    this.unsaved.push(r)
  }

  get hasUnsaved(): boolean {
    return this.unsaved.length > 0
  }

  /**
   * Writes one index file (more for very large sessions) for the packs written since the last call. Durable
   * when it resolves. On failure nothing is visible, and the same packs are written again by the next call.
   */
  async saveUnsaved(backend: Backend, dataKey: Uint8Array): Promise<void> {
    if (this.unsaved.length === 0) return
    const batch = this.unsaved
    for (const f of encodeIndexFiles(batch, dataKey)) {
      await backend.save({ type: 'index', name: f.id }, f.bytes)
      this.files.add(f.id)
    }
    this.unsaved = this.unsaved.slice(batch.length)
  }

  private add(r: PackRecord): void {
    if (!this.packs.has(r.id)) this.packs.set(r.id, r)
    for (const b of r.blobs) {
      // The first location wins; a second copy (two writers stored the same content) is prune's to collect.
      if (!this.blobs.has(b.id)) this.blobs.set(b.id, { ...b, packId: r.id })
    }
  }
}

async function readIndexFile(
  backend: Backend,
  dataKey: Uint8Array,
  name: string,
): Promise<{ records: PackRecord[] } | { damaged: string } | 'gone'> {
  try {
    const bytes = await loadIfPresent(backend, { type: 'index', name })
    return bytes ? { records: decodeIndexFile(name, bytes, dataKey) } : 'gone'
  } catch (err) {
    return { damaged: messageOf(err) }
  }
}
