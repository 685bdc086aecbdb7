import { IntegrityError, UserError } from '../core/errors.js'
import { mapBounded } from '../core/bounded-map.js'
import { AlreadyExistsError, FILES_IN_FLIGHT, listAll, loadIfPresent, type Backend } from './backend.js'
import { isHex64, seal, unseal } from './crypto/seal.js'
import { aad } from './format.js'
import type { CheckpointListing, RepoCheckpoint, StoredCheckpoint } from './types.js'

/**
 * `checkpoints/<id>`: the sealed JSON of one checkpoint, AAD bound to its id, so a checkpoint copied under
 * another name fails to open like a flipped bit. The id is derived from seq and hash: checkpointing the same
 * head twice names the same file, and two different heads at one seq (a rewritten log) get two files.
 * Written exclusively and never replaced or deleted: they are evidence.
 */

const ID = /^[0-9]{12}-[0-9a-f]{16}$/

export function checkpointId(c: Pick<RepoCheckpoint, 'seq' | 'hash'>): string {
  return `${String(c.seq).padStart(12, '0')}-${c.hash.slice(0, 16)}`
}

/** Returns what is wrong with a checkpoint, or undefined. */
export function checkCheckpoint(c: RepoCheckpoint): string | undefined {
  if (typeof c !== 'object' || c === null) return 'not an object'
  if (!Number.isSafeInteger(c.seq) || c.seq < 1 || c.seq > 999_999_999_999) return 'seq is not a whole number from 1 to 999999999999'
  if (!isHex64(c.hash)) return 'hash is not 64 lowercase hex digits'
  if (typeof c.ts !== 'string' || Number.isNaN(Date.parse(c.ts))) return 'ts is not an ISO 8601 time'
  if (!Number.isSafeInteger(c.events) || c.events < 0) return 'events is not a whole number'
  return undefined
}

export function encodeCheckpoint(c: StoredCheckpoint, dataKey: Uint8Array): Buffer {
  const body: StoredCheckpoint = { id: c.id, seq: c.seq, hash: c.hash, ts: c.ts, events: c.events }
  return seal(dataKey, aad.checkpoint(c.id), Buffer.from(JSON.stringify(body)))
}

/** Authenticates the sealed bytes of checkpoint `id`, wherever they were kept. IntegrityError when they are not it. */
export function decodeCheckpoint(id: string, sealed: Uint8Array, dataKey: Uint8Array): StoredCheckpoint {
  const plain = ID.test(id) ? unseal(dataKey, aad.checkpoint(id), sealed) : undefined
  if (!plain) throw new IntegrityError(id, `checkpoint ${id} failed authentication: it is damaged, forged, or is not checkpoint ${id}`)
  let c: StoredCheckpoint
  try {
    c = JSON.parse(plain.toString('utf8')) as StoredCheckpoint
  } catch {
    throw new IntegrityError(id, `checkpoint ${id} is not valid JSON`)
  }
  const problem = checkCheckpoint(c) ?? (c.id !== id || checkpointId(c) !== id ? 'its id differs from its seq and hash' : undefined)
  if (problem) throw new IntegrityError(id, `checkpoint ${id} is malformed: ${problem}`)
  return { id, seq: c.seq, hash: c.hash, ts: c.ts, events: c.events }
}

/**
 * Idempotent: when the file exists and holds the same seq and hash, the stored one (with its earlier ts) is
 * returned. IntegrityError when the existing file is damaged; it stays, for verify to report.
 */
export async function writeCheckpoint(
  backend: Backend,
  dataKey: Uint8Array,
  c: RepoCheckpoint,
): Promise<{ checkpoint: StoredCheckpoint; sealed: Buffer }> {
  const problem = checkCheckpoint(c)
  if (problem) throw new UserError(`checkpoint is malformed: ${problem}`)
  const checkpoint = { id: checkpointId(c), seq: c.seq, hash: c.hash, ts: c.ts, events: c.events }
  const sealed = encodeCheckpoint(checkpoint, dataKey)
  try {
    await backend.save({ type: 'checkpoint', name: checkpoint.id }, sealed, { exclusive: true })
    return { checkpoint, sealed }
  } catch (err) {
    if (!(err instanceof AlreadyExistsError)) throw err
  }
  const existing = Buffer.from(await backend.load({ type: 'checkpoint', name: checkpoint.id }))
  const stored = decodeCheckpoint(checkpoint.id, existing, dataKey)
  if (stored.hash !== c.hash) throw new IntegrityError(checkpoint.id, `checkpoint ${checkpoint.id} already exists for another hash`)
  return { checkpoint: stored, sealed: existing }
}

/** Throws when the store cannot be listed or a listed file cannot be read (never mistakes that for "none"). */
export async function readCheckpoints(backend: Backend, dataKey: Uint8Array): Promise<CheckpointListing> {
  const out: CheckpointListing = { checkpoints: [], damaged: [] }
  const names = (await listAll(backend, 'checkpoint')).map((f) => f.name)
  // One file per command that appended events: read them side by side, not one after another.
  const loaded = await mapBounded(names, (name) => loadIfPresent(backend, { type: 'checkpoint', name }), { concurrency: FILES_IN_FLIGHT })
  for (const [i, bytes] of loaded.entries()) {
    const name = names[i]!
    if (!bytes) {
      // lastgood never removes a checkpoint, so one that vanished between listing and reading is news.
      out.damaged.push({ id: name, message: `checkpoint ${name} disappeared while it was being read` })
      continue
    }
    try {
      out.checkpoints.push(decodeCheckpoint(name, bytes, dataKey))
    } catch (err) {
      if (!(err instanceof IntegrityError)) throw err
      out.damaged.push({ id: name, message: err.message })
    }
  }
  out.checkpoints.sort((a, b) => a.seq - b.seq || (a.ts < b.ts ? -1 : a.ts > b.ts ? 1 : 0))
  out.damaged.sort((a, b) => (a.id < b.id ? -1 : 1))
  return out
}
