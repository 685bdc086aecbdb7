/**
 * The code of a file-pool worker (file-pool.ts), as plain JavaScript run with `eval`: it needs only Node's
 * own modules, and a source string works the same from dist/ and under the test runner, which a separate
 * worker file would not. It handles files smaller than one chunk (nearly all files of a release), each with
 * blocking calls, which cost a fraction of the asynchronous ones and block only this worker thread.
 *
 * One message: `{ seq, op, chunkSize, slab, files }`; one reply: `{ seq, results, ms }`, a result per file,
 * in order, and the time the message took (the pool adds workers when that shows the disk is slow). File content travels through `slab`, a SharedArrayBuffer the caller lends for the message, at the
 * offset it gives each file: no buffer is allocated per file on either side.
 * - read  `{ abs, offset, room }` → `{ bytes, steady, ino, mtimeNs, ctimeNs, id? }`: the content, written into
 *   the slab at `offset`, and its SHA-256 (no id for an empty file). Rules as read-chunks.ts: O_NOFOLLOW,
 *   O_NONBLOCK, regular files only (code ENOTREG), a short read at the fstat size is the end.
 * - hash  `{ abs, size, id }` → `{ same }`: whether the file holds exactly `size` bytes hashing to `id`.
 * - write `{ abs, mode, uid?, gid?, offset, length, fsync }` → `{}`: a new file (O_EXCL | O_NOFOLLOW) holding
 *   that part of the slab, then its owner when given, then `mode`, then fsync when asked.
 * - list  `{ abs }` → `{ entries: [{ name, kind, mode, size, uid, gid, ino, mtimeNs, ctimeNs, target? }] }`: a directory's
 *   entries as lstat sees them (kind d, f, l or o); an entry that vanishes meanwhile is left out. Names and link
 *   targets are strings when they are valid UTF-8, else their raw bytes, for the caller to refuse by name.
 * Anything this code does not handle, it answers `{ fallback: true }` and the caller takes the file back: a
 * file of a chunk or more, or one that grew while read (or since it was listed, beyond its `room`). A failed
 * call answers `{ error: { code, message } }`.
 */
export const FILE_WORKER_SOURCE = String.raw`
'use strict'
const { parentPort } = require('node:worker_threads')
const fs = require('node:fs')
const { createHash } = require('node:crypto')
const C = fs.constants
const READ = C.O_RDONLY | C.O_NOFOLLOW | C.O_NONBLOCK
const CREATE = C.O_WRONLY | C.O_CREAT | C.O_EXCL | C.O_NOFOLLOW

parentPort.on('message', ({ seq, op, chunkSize, slab, files }) => {
  const started = performance.now()
  const results = []
  for (const f of files) {
    try {
      if (op === 'read') results.push(read(f, chunkSize, slab))
      else if (op === 'hash') results.push(hash(f, chunkSize))
      else if (op === 'write') results.push(write(f, slab))
      else if (op === 'list') results.push(list(f))
      else results.push({ error: { code: 'EINVAL', message: 'unknown operation ' + op } })
    } catch (err) {
      results.push({ error: { code: err && err.code, message: String(err && err.message) } })
    }
  }
  parentPort.postMessage({ seq, results, ms: performance.now() - started })
})

let scratch = Buffer.alloc(0)

/**
 * Reads a whole file below chunkSize into buf (or a scratch buffer), or answers undefined when it is not one,
 * or no longer fits: one byte of room beyond the fstat size shows the file grew while read.
 */
function slurp(abs, chunkSize, buf) {
  const fd = fs.openSync(abs, READ)
  try {
    const st = fs.fstatSync(fd, { bigint: true })
    if (!st.isFile()) {
      const err = new Error('not a regular file')
      err.code = 'ENOTREG'
      throw err
    }
    const expected = Number(st.size)
    if (expected >= chunkSize) return undefined
    if (!buf) {
      if (scratch.length < expected + 1) scratch = Buffer.allocUnsafeSlow(Math.max(expected + 1, 65536))
      buf = scratch.subarray(0, expected + 1)
    }
    if (buf.length < expected + 1) return undefined
    let filled = 0
    for (;;) {
      const n = fs.readSync(fd, buf, filled, buf.length - filled, null)
      if (n === 0) break
      filled += n
      if (filled === buf.length) return undefined
      if (filled >= expected) break
    }
    return { st, data: buf.subarray(0, filled), expected }
  } finally {
    fs.closeSync(fd)
  }
}

function read(f, chunkSize, slab) {
  const got = slurp(f.abs, chunkSize, Buffer.from(slab, f.offset, f.room))
  if (!got) return { fallback: true }
  const { st, data, expected } = got
  const out = {
    bytes: data.length, steady: data.length === expected,
    ino: st.ino.toString(), mtimeNs: st.mtimeNs.toString(), ctimeNs: st.ctimeNs.toString(),
  }
  if (data.length > 0) out.id = createHash('sha256').update(data).digest('hex')
  return out
}

function hash(f, chunkSize) {
  const got = slurp(f.abs, chunkSize)
  if (!got) return { fallback: true }
  const { data } = got
  if (data.length !== f.size) return { same: false }
  if (data.length === 0) return { same: f.id === undefined }
  return { same: createHash('sha256').update(data).digest('hex') === f.id }
}

function list(f) {
  const dir = Buffer.from(f.abs.endsWith('/') ? f.abs : f.abs + '/')
  const entries = []
  for (const name of fs.readdirSync(dir, { encoding: 'buffer' })) {
    const abs = Buffer.concat([dir, name])
    const st = vanishable(() => fs.lstatSync(abs, { bigint: true }))
    if (!st) continue
    const kind = st.isDirectory() ? 'd' : st.isFile() ? 'f' : st.isSymbolicLink() ? 'l' : 'o'
    const target = kind === 'l' ? vanishable(() => fs.readlinkSync(abs, { encoding: 'buffer' })) : undefined
    if (kind === 'l' && !target) continue
    const e = { name: text(name), kind, mode: Number(st.mode & 0o777n), size: Number(st.size), uid: Number(st.uid), gid: Number(st.gid) }
    if (kind === 'f') Object.assign(e, { ino: st.ino.toString(), mtimeNs: st.mtimeNs.toString(), ctimeNs: st.ctimeNs.toString() })
    if (target) e.target = text(target)
    entries.push(e)
  }
  return { entries }
}

const utf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true })

/** A string when the bytes are valid UTF-8 (cheaper to send than bytes), else the bytes themselves. */
function text(bytes) {
  try {
    return utf8.decode(bytes)
  } catch {
    return new Uint8Array(bytes)
  }
}

function vanishable(fn) {
  try {
    return fn()
  } catch (err) {
    if (err && err.code === 'ENOENT') return undefined
    throw err
  }
}

function write(f, slab) {
  const data = Buffer.from(slab, f.offset, f.length)
  const fd = fs.openSync(f.abs, CREATE, 0o600)
  try {
    for (let offset = 0; offset < data.length; ) offset += fs.writeSync(fd, data, offset, data.length - offset)
    // fchown first: a chown may clear mode bits. fchmod because umask trims open's mode; both before the
    // fsync, so owner and mode are as durable as the bytes.
    if (f.uid !== undefined) fs.fchownSync(fd, f.uid, f.gid)
    fs.fchmodSync(fd, f.mode)
    if (f.fsync) fs.fsyncSync(fd)
  } finally {
    fs.closeSync(fd)
  }
  return {}
}
`
