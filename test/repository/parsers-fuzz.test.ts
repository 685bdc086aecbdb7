import { randomBytes } from 'node:crypto'
import { writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { IntegrityError, RefusedError, UserError } from '../../src/core/errors.js'
import { FsBackend } from '../../src/repository/backends/fs/fs-backend.js'
import { decodeCheckpoint } from '../../src/repository/checkpoint-store.js'
import { openConfig, readEnvelope } from '../../src/repository/config-file.js'
import { readKeyFile } from '../../src/repository/crypto/key-file.js'
import { unwrapMasterKey } from '../../src/repository/crypto/passphrase-key.js'
import { seal, sha256Hex } from '../../src/repository/crypto/seal.js'
import { aad } from '../../src/repository/format.js'
import { decodeIndexFile } from '../../src/repository/index/index-file.js'
import { manifestRefs } from '../../src/repository/reachability.js'
import { RepoLock } from '../../src/repository/lock.js'
import { loadSnapshotFile } from '../../src/repository/snapshot-store.js'
import { parsePersistedPlan } from '../../src/rollback/persisted-plan.js'
import { fromStepRow } from '../../src/rollback/step-record.js'
import { tempDir } from './helpers.js'

/**
 * Every parser of stored data, fed malformed input that passed authentication (sealed with the right key:
 * a bug, a hand edit, a future version): it answers with an error that names the object, never a crash of
 * the parser itself (TypeError, SyntaxError, RangeError) and never a hang.
 */

const KEY = randomBytes(32)
const HEX = 'a'.repeat(64)
const RUNS = { numRuns: 200 }

/**
 * JSON values, and near misses of the shapes the parsers expect. Objects whose `toString` or `valueOf` is not
 * a function are always among them: `String()` or a template literal of one throws a TypeError.
 */
const hostile = fc.constantFrom({ toString: false }, { toString: null, valueOf: 1 }, [{ toString: 'x' }])
const junk = fc.oneof(fc.jsonValue({ maxDepth: 3 }), hostile)
const uintOrJunk = fc.oneof(fc.nat(), fc.constantFrom(-1, 1.5, '1', null), junk)
const idOrJunk = fc.oneof(fc.constant(HEX), fc.constantFrom('', 'zz', null, 7), junk)
const blob = fc.oneof(
  junk,
  fc.record(
    { id: idOrJunk, type: fc.constantFrom('data', 'tree', 'x', null), offset: uintOrJunk, length: uintOrJunk, rawLength: uintOrJunk },
    { requiredKeys: [] },
  ),
)
const pack = fc.oneof(
  junk,
  fc.record({ id: idOrJunk, size: uintOrJunk, blobs: fc.oneof(fc.array(blob, { maxLength: 3 }), junk) }, { requiredKeys: [] }),
)
const indexDoc = fc.oneof(
  junk,
  fc.record({ version: fc.oneof(fc.constant(1), junk), packs: fc.oneof(fc.array(pack, { maxLength: 3 }), junk) }, { requiredKeys: [] }),
)
const text = (doc: fc.Arbitrary<unknown>) =>
  fc.oneof(
    doc.map((d) => JSON.stringify(d) ?? 'undefined'),
    fc.string(),
    fc.constant('{"truncated": '),
  )

/** The error a parser threw, or undefined. */
function thrown(run: () => unknown): Error | undefined {
  try {
    run()
  } catch (err) {
    return err as Error
  }
  return undefined
}

async function thrownAsync(run: () => Promise<unknown>): Promise<Error | undefined> {
  return run().then(
    () => undefined,
    (err: unknown) => err as Error,
  )
}

/** Not a crash: not one of the errors JavaScript itself throws on bad data. */
function expectNoCrash(err: Error | undefined): void {
  if (err) expect(['TypeError', 'SyntaxError', 'RangeError', 'ReferenceError']).not.toContain(err.name)
}

describe('parsers of stored data refuse malformed input by name, without crashing', () => {
  it('index files', () => {
    fc.assert(
      fc.property(text(indexDoc), (plain) => {
        const bytes = seal(KEY, aad.index(), Buffer.from(plain))
        const err = thrown(() => decodeIndexFile(sha256Hex(bytes), bytes, KEY))
        expectNoCrash(err)
      }),
      RUNS,
    )
  })

  it('component manifests, as the repository reads them (their refs) and as a snapshot reads them back', () => {
    const manifest = fc.oneof(
      junk,
      fc.record({ refs: fc.oneof(fc.array(idOrJunk, { maxLength: 3 }), junk), provider: junk, files: junk }, { requiredKeys: [] }),
    )
    fc.assert(
      fc.property(text(manifest), (plain) => {
        const err = thrown(() => manifestRefs(Buffer.from(plain)))
        expectNoCrash(err)
      }),
      RUNS,
    )
  })

  it('audit checkpoints kept in the repository', () => {
    const checkpoint = fc.oneof(
      junk,
      fc.record({ id: junk, seq: uintOrJunk, hash: idOrJunk, ts: fc.oneof(fc.string(), junk), events: uintOrJunk }, { requiredKeys: [] }),
    )
    const id = `${'0'.repeat(11)}1-${'b'.repeat(16)}`
    fc.assert(
      fc.property(text(checkpoint), (plain) => {
        const err = thrown(() => decodeCheckpoint(id, seal(KEY, aad.checkpoint(id), Buffer.from(plain)), KEY))
        expectNoCrash(err)
      }),
      RUNS,
    )
  })

  it('snapshot files', async () => {
    const backend = new FsBackend(join(await tempDir(), 'repo'))
    const component = fc.oneof(
      junk,
      fc.record(
        {
          name: fc.oneof(fc.string(), junk),
          provider: fc.oneof(fc.string(), junk),
          version: fc.oneof(fc.string(), junk),
          manifest: idOrJunk,
        },
        { requiredKeys: [] },
      ),
    )
    const snapshot = fc.oneof(
      junk,
      fc.record(
        {
          id: fc.constantFrom('s1', 'other', 1),
          app: fc.oneof(fc.string(), junk),
          createdAt: fc.string(),
          kind: fc.string(),
          components: fc.oneof(fc.array(component, { maxLength: 3 }), junk),
          meta: junk,
        },
        { requiredKeys: [] },
      ),
    )
    await fc.assert(
      fc.asyncProperty(text(snapshot), async (plain) => {
        await backend.remove({ type: 'snapshot', name: 's1' }).catch(() => undefined)
        await backend.save({ type: 'snapshot', name: 's1' }, seal(KEY, aad.snapshot('s1'), Buffer.from(plain)))
        const err = await thrownAsync(() => loadSnapshotFile(backend, KEY, 's1'))
        expectNoCrash(err)
        if (err) {
          expect(err).toBeInstanceOf(IntegrityError)
          expect((err as IntegrityError).objectId).toBe('s1')
          expect(err.message).toMatch(/^snapshot s1 /)
        }
      }),
      { numRuns: 100 },
    )
  })

  it('the repository config: its readable envelope and its sealed body', () => {
    const envelope = fc.oneof(
      junk,
      fc.record(
        {
          lastgood: fc.constantFrom('repository', 'x'),
          version: fc.oneof(fc.constant(1), junk),
          keyMode: fc.oneof(fc.constantFrom('passphrase', 'key-file'), junk),
          sealed: fc.oneof(fc.base64String(), junk),
        },
        { requiredKeys: [] },
      ),
    )
    fc.assert(
      fc.property(text(envelope), (plain) => {
        const err = thrown(() => readEnvelope(Buffer.from(plain), '/repo'))
        expectNoCrash(err)
        if (err && !(err instanceof UserError)) expect(err).toBeInstanceOf(IntegrityError)
      }),
      RUNS,
    )
    const body = fc.oneof(
      junk,
      fc.record(
        {
          version: fc.oneof(fc.constant(1), junk),
          id: junk,
          keyMode: fc.oneof(fc.constant('key-file'), junk),
          chunker: junk,
          compression: junk,
          createdAt: junk,
        },
        { requiredKeys: [] },
      ),
    )
    fc.assert(
      fc.property(text(body), (plain) => {
        const env = { version: 1, keyMode: 'key-file' as const, id: undefined, sealed: seal(KEY, aad.config(), Buffer.from(plain)) }
        const err = thrown(() => openConfig(env, KEY))
        expectNoCrash(err)
        if (err) expect(err).toMatchObject({ name: 'IntegrityError', objectId: 'config' })
      }),
      RUNS,
    )
  })

  it('key files, with and without a passphrase', async () => {
    const file = join(await tempDir(), 'repository.key')
    const plainKey = fc.oneof(
      junk,
      fc.record(
        {
          lastgood: fc.constantFrom('master-key', 'key'),
          version: junk,
          repository: junk,
          key: fc.oneof(fc.base64String(), junk),
          createdAt: junk,
        },
        { requiredKeys: [] },
      ),
    )
    await fc.assert(
      fc.asyncProperty(text(plainKey), async (plain) => {
        await writeFile(file, plain, { mode: 0o600 })
        const err = await thrownAsync(() => readKeyFile(file))
        expectNoCrash(err)
        if (err) expect(err).toBeInstanceOf(UserError)
      }),
      { numRuns: 100 },
    )
    // Costs stay at or below the cheapest accepted scrypt, so a run takes milliseconds.
    const cost = fc.oneof(fc.constantFrom(2 ** 14, 8, 1, 0, -1, 2 ** 14 + 1), junk)
    const wrapped = fc.oneof(
      junk,
      fc.record(
        {
          lastgood: fc.constant('key'),
          kdf: fc.constantFrom('scrypt', 'argon2'),
          N: cost,
          r: cost,
          p: cost,
          salt: fc.oneof(fc.base64String(), junk),
          sealed: fc.oneof(fc.base64String(), junk),
        },
        { requiredKeys: [] },
      ),
    )
    await fc.assert(
      fc.asyncProperty(text(wrapped), async (plain) => {
        const err = await thrownAsync(() => unwrapMasterKey(Buffer.from(plain), 'passphrase'))
        expect(err).toBeUndefined()
      }),
      { numRuns: 60 },
    )
  })

  it('lock files another process wrote: a lock is taken, or refused naming the holder', async () => {
    const backend = new FsBackend(join(await tempDir(), 'repo'))
    const now = new Date().toISOString()
    const info = fc.oneof(
      junk,
      fc.record(
        {
          exclusive: fc.oneof(fc.boolean(), junk),
          host: fc.oneof(fc.constant('elsewhere'), junk),
          pid: uintOrJunk,
          user: junk,
          time: fc.oneof(fc.constant(now), junk),
        },
        { requiredKeys: [] },
      ),
    )
    await fc.assert(
      fc.asyncProperty(text(info), async (plain) => {
        await backend.save({ type: 'lock', name: 'other' }, Buffer.from(plain))
        const err = await thrownAsync(async () => (await RepoLock.acquire(backend, true)).release())
        await backend.remove({ type: 'lock', name: 'other' }).catch(() => undefined)
        expectNoCrash(err)
        if (err) expect(err).toBeInstanceOf(RefusedError)
      }),
      { numRuns: 100 },
    )
  })

  it('journal entries: a step row and a run plan', () => {
    const row = fc.record({
      run_id: fc.constant('run-1'),
      seq: fc.oneof(fc.nat(), junk),
      app: fc.string(),
      name: fc.string(),
      component: fc.oneof(fc.string(), fc.constant(null)),
      status: fc.string(),
      started_at: fc.string(),
      ended_at: fc.oneof(fc.string(), fc.constant(null)),
      detail: fc.oneof(text(junk), fc.constant(null)),
      error: fc.oneof(fc.string(), fc.constant(null)),
    })
    fc.assert(
      fc.property(row, (r) => {
        const err = thrown(() => fromStepRow(r as never))
        expectNoCrash(err)
        if (err) expect(err.message).toMatch(/^rollback run-1, step /)
      }),
      RUNS,
    )
    const component = fc.oneof(
      junk,
      fc.record({ name: fc.oneof(fc.string(), junk), from: fc.oneof(fc.string(), junk) }, { requiredKeys: [] }),
    )
    const app = fc.oneof(
      junk,
      fc.record(
        {
          app: fc.oneof(fc.string(), junk),
          target: fc.oneof(fc.string(), junk),
          components: fc.oneof(fc.array(component, { maxLength: 3 }), junk),
        },
        { requiredKeys: [] },
      ),
    )
    const plan = fc.oneof(
      junk,
      fc.record({ version: fc.oneof(fc.constant(1), junk), apps: fc.oneof(fc.array(app, { maxLength: 3 }), junk) }, { requiredKeys: [] }),
    )
    fc.assert(
      fc.property(text(plan), (plain) => {
        const err = thrown(() => parsePersistedPlan(plain))
        expectNoCrash(err)
        if (err) expect(err.message).toMatch(/^unreadable rollback plan/)
      }),
      RUNS,
    )
  })
})
