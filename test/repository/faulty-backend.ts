import type { Backend, ByteRange, FileInfo, FileType, Handle, SaveOptions, TempCleanup } from '../../src/repository/backend.js'

/** A backend wrapper that fails chosen operations, the way a full disk or a flaky store would. */
export class FaultyBackend implements Backend {
  failSave: ((h: Handle) => Error | undefined) | undefined
  failList: ((type: FileType) => Error | undefined) | undefined
  saves: Handle[] = []

  constructor(readonly inner: Backend) {}

  get location(): string {
    return this.inner.location
  }

  async save(h: Handle, data: Uint8Array, opts?: SaveOptions): Promise<void> {
    const err = this.failSave?.(h)
    if (err) throw err
    await this.inner.save(h, data, opts)
    this.saves.push(h)
  }

  load(h: Handle, range?: ByteRange): Promise<Uint8Array> {
    return this.inner.load(h, range)
  }

  stat(h: Handle): Promise<FileInfo | undefined> {
    return this.inner.stat(h)
  }

  async *list(type: FileType): AsyncIterable<FileInfo> {
    const err = this.failList?.(type)
    if (err) throw err
    yield* this.inner.list(type)
  }

  remove(h: Handle): Promise<void> {
    return this.inner.remove(h)
  }

  removeTempFiles(): Promise<TempCleanup> {
    return this.inner.removeTempFiles()
  }
}

export function errno(code: string, message = code): NodeJS.ErrnoException {
  return Object.assign(new Error(`${code}: ${message}`), { code })
}
