import { open, readFile } from 'node:fs/promises'
import { dirname } from 'node:path'
import { errCode, IntegrityError, messageOf } from '../core/errors.js'
import { fsyncDir } from '../core/fsync-dir.js'
import type { CheckpointListing, StoredCheckpoint } from '../repository/types.js'

/**
 * A copy of every checkpoint appended as one JSON line to a file the operator puts out of the database
 * writer's reach (WORM storage, another host's mount). The readable fields are for people and `grep`; the
 * sealed bytes are what verify trusts: they are authenticated exactly like `checkpoints/<id>` in the
 * repository, and the readable fields must agree with them.
 *
 *   {"lastgood":"audit-checkpoint","id":"...","seq":12,"hash":"...","ts":"...","events":12,"sealed":"<base64>"}
 */

/** Authenticates the sealed bytes of checkpoint `id` (the repository's openCheckpoint). Throws IntegrityError. */
export type OpenCheckpoint = (id: string, sealed: Uint8Array) => StoredCheckpoint

/** Appends one line and fsyncs it. Append-only, so it works on files the OS only lets grow (chattr +a, WORM). */
export async function appendCheckpointCopy(file: string, c: StoredCheckpoint, sealed: Uint8Array): Promise<void> {
  const line = JSON.stringify({
    lastgood: 'audit-checkpoint',
    id: c.id,
    seq: c.seq,
    hash: c.hash,
    ts: c.ts,
    events: c.events,
    sealed: Buffer.from(sealed).toString('base64'),
  })
  const fh = await open(file, 'a', 0o600)
  let created: boolean
  try {
    created = (await fh.stat()).size === 0
    await fh.appendFile(`${line}\n`)
    await fh.sync()
  } finally {
    await fh.close()
  }
  // A new file's directory entry must survive a crash too.
  if (created) await fsyncDir(dirname(file))
}

/**
 * Every line of the file, authenticated. Damaged, forged or disagreeing lines are reported in `damaged` as
 * `<file>:<line>`; so is a missing file, since it was configured to hold copies. A last line without its
 * newline is an append a crash interrupted, and is skipped when it does not parse.
 */
export async function readCheckpointCopies(file: string, openCheckpoint: OpenCheckpoint): Promise<CheckpointListing> {
  const out: CheckpointListing = { checkpoints: [], damaged: [] }
  let text: string
  try {
    text = await readFile(file, 'utf8')
  } catch (err) {
    if (errCode(err) !== 'ENOENT') throw err
    out.damaged.push({
      id: file,
      message: `checkpoint file ${file} does not exist (the next command that appends an audit event creates it)`,
    })
    return out
  }
  const lines = text.split('\n')
  const torn = lines.pop() ?? ''
  lines.forEach((line, i) => {
    if (line.trim() === '') return
    const where = `${file}:${i + 1}`
    try {
      out.checkpoints.push(parseLine(line, openCheckpoint))
    } catch (err) {
      out.damaged.push({ id: where, message: `${where}: ${messageOf(err)}` })
    }
  })
  if (torn.trim() !== '') {
    try {
      out.checkpoints.push(parseLine(torn, openCheckpoint))
    } catch {
      // An interrupted append: it adds nothing, and a forger gains nothing by writing one.
    }
  }
  return out
}

function parseLine(line: string, openCheckpoint: OpenCheckpoint): StoredCheckpoint {
  let v: Record<string, unknown>
  try {
    v = JSON.parse(line) as Record<string, unknown>
  } catch {
    throw new IntegrityError('', 'not valid JSON')
  }
  if (
    typeof v !== 'object' ||
    v === null ||
    v.lastgood !== 'audit-checkpoint' ||
    typeof v.id !== 'string' ||
    typeof v.sealed !== 'string'
  ) {
    throw new IntegrityError('', 'not an audit checkpoint line')
  }
  const c = openCheckpoint(v.id, Buffer.from(v.sealed, 'base64'))
  if (v.seq !== c.seq || v.hash !== c.hash || v.ts !== c.ts || v.events !== c.events) {
    throw new IntegrityError(c.id, `checkpoint ${c.id}: its readable fields differ from its sealed content`)
  }
  return c
}

/** Both sources, one entry per checkpoint id (a copy and its original are the same checkpoint). */
export function mergeListings(...listings: CheckpointListing[]): CheckpointListing {
  const byId = new Map<string, StoredCheckpoint>()
  for (const l of listings) for (const c of l.checkpoints) if (!byId.has(c.id)) byId.set(c.id, c)
  return { checkpoints: [...byId.values()], damaged: listings.flatMap((l) => l.damaged) }
}
