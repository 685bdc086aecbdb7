import { copyFile, readdir, readFile, rm, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { checkpointAudit, loadCheckpoints } from '../../../src/audit/audit-checkpoint.js'
import { hashEvent } from '../../../src/audit/audit-event.js'
import { fromRow, toRow } from '../../../src/audit/audit-log.js'
import { verifyAudit } from '../../../src/audit/verify-audit.js'
import type { Repository } from '../../../src/repository/repository.js'
import type { State } from '../../../src/state/open-state.js'
import type { Engine, StateFixture } from '../../helpers/state-engines.js'
import { newRepo, tempDir, type TestRepo } from '../../repository/helpers.js'
import { appendEvents } from './append-events.js'

/** What audit checkpoints promise on every engine: a chain cut short or rewritten is caught against them. */
export function auditCheckpointCases(engine: Engine): void {
  describe('audit checkpoints (RELIABILITY case 11)', () => {
    let t: TestRepo
    let repo: Repository
    let fixture: StateFixture
    let state: State
    let dir: string

    beforeEach(async () => {
      t = await newRepo()
      repo = t.repo
      dir = await tempDir()
      fixture = await engine.fixture()
      state = await fixture.open()
    })
    afterEach(async () => {
      await state.close()
      await fixture.cleanup()
    })

    /** n events, one checkpoint after each command's worth (here: after every `every` events). */
    async function appendN(n: number, every = 1, copyFile?: string): Promise<void> {
      await appendEvents(state, n, async (i) => {
        if ((i + 1) % every === 0) await checkpointAudit(state.db, repo, { copyFile })
      })
    }

    async function verify(copyFile?: string) {
      return verifyAudit(state.db, { checkpoints: await loadCheckpoints(repo, { copyFile }) })
    }

    /** What someone who can write state.db but holds no key can do: rewrite history from `from` and rehash every event after it. */
    async function rehashFrom(from: number, edit: (row: ReturnType<typeof toRow>) => void): Promise<void> {
      const rows = await state.db.selectFrom('audit_events').selectAll().orderBy('seq').execute()
      let prev = rows.find((r) => r.seq === from - 1)?.hash ?? '0'.repeat(64)
      for (const row of rows.filter((r) => r.seq >= from)) {
        if (row.seq === from) edit(row)
        const { hash: _old, ...unsigned } = { ...fromRow(row), prevHash: prev }
        const forged = toRow({ ...unsigned, hash: hashEvent(unsigned) })
        await state.db.updateTable('audit_events').set(forged).where('seq', '=', row.seq).execute()
        prev = forged.hash
      }
    }

    it('case 11: an intact chain agrees with its checkpoints; the report names the latest', async () => {
      await appendN(6, 2)
      const report = await verify()
      expect(report).toMatchObject({ ok: true, events: 6, checkpoints: { count: 3, latest: { seq: 6 }, problems: [] } })
      expect(report.firstBad).toBeUndefined()
    })

    it('case 11: checkpointing the same head twice stores one checkpoint; an empty chain stores none', async () => {
      expect(await checkpointAudit(state.db, repo)).toBeUndefined()
      await appendN(2)
      const again = await checkpointAudit(state.db, repo)
      expect(again).toMatchObject({ seq: 2, events: 2 })
      expect((await repo.listCheckpoints()).checkpoints.map((c) => c.seq)).toEqual([1, 2])
    })

    it('case 11: a truncated tail (the last k events deleted) is found, though the chain alone still verifies', async () => {
      await appendN(8)
      for (const k of [1, 3, 8]) {
        const rows = await state.db
          .selectFrom('audit_events')
          .selectAll()
          .where('seq', '>', 8 - k)
          .execute()
        await state.db
          .deleteFrom('audit_events')
          .where('seq', '>', 8 - k)
          .execute()
        expect(await verifyAudit(state.db)).toMatchObject({ ok: true, events: 8 - k })
        const report = await verify()
        expect(report.ok).toBe(false)
        const end = k === 8 ? 'the chain is empty' : `the chain ends at event ${8 - k}`
        expect(report.checkpoints!.problems).toEqual([
          expect.objectContaining({
            kind: 'truncated',
            message: expect.stringMatching(new RegExp(`^${end} but a checkpoint of \\S+ saw event 8: the tail was truncated$`)),
          }),
        ])
        await state.db.insertInto('audit_events').values(rows).execute()
      }
      expect((await verify()).ok).toBe(true)
    })

    it('case 11: a chain fully rehashed with a consistent fake history is found at the first checkpoint it contradicts', async () => {
      await appendN(6, 2)
      await rehashFrom(1, (row) => {
        row.reason = 'nothing to see'
      })
      expect(await verifyAudit(state.db)).toMatchObject({ ok: true, events: 6 })
      const report = await verify()
      expect(report.ok).toBe(false)
      expect(report.firstBad).toBeUndefined()
      expect(report.checkpoints!.problems).toEqual([
        expect.objectContaining({
          kind: 'rewritten',
          message: expect.stringMatching(/^event 2 differs from the checkpoint of \S+: the chain was rewritten$/),
        }),
      ])
    })

    it('case 11: a rewrite that also cuts the tail is reported as both', async () => {
      await appendN(5)
      await state.db.deleteFrom('audit_events').where('seq', '>', 3).execute()
      await rehashFrom(3, (row) => {
        row.actor = 'mallory'
      })
      const problems = (await verify()).checkpoints!.problems.map((p) => p.message)
      expect(problems).toEqual([
        expect.stringMatching(/^event 3 differs from the checkpoint of/),
        expect.stringMatching(/^the chain ends at event 3 but a checkpoint of \S+ saw event 5: the tail was truncated$/),
      ])
    })

    it('case 11: an event removed and the rest renumbered and rehashed is found', async () => {
      await appendN(5)
      const rows = await state.db.selectFrom('audit_events').selectAll().orderBy('seq').execute()
      await state.db.deleteFrom('audit_events').execute()
      for (const [i, r] of rows.filter((r) => r.seq !== 2).entries())
        await state.db
          .insertInto('audit_events')
          .values({ ...r, seq: i + 1 })
          .execute()
      await rehashFrom(1, () => undefined)
      expect((await verifyAudit(state.db)).ok).toBe(true)
      const kinds = (await verify()).checkpoints!.problems.map((p) => p.kind)
      expect(kinds).toEqual(['rewritten', 'truncated'])
    })

    it('case 11: a checkpoint file with a flipped byte, or copied under another id, is reported as damaged', async () => {
      await appendN(3)
      const cpDir = join(t.dir, 'checkpoints')
      const names = (await readdir(cpDir)).sort()
      expect(names).toHaveLength(3)
      const flipped = join(cpDir, names[2]!)
      const bytes = await readFile(flipped)
      bytes[20]! ^= 0x01
      await writeFile(flipped, bytes)
      // A valid checkpoint of event 1 presented as one of a later event (a forger with no key).
      const forgedId = `${'9'.repeat(12)}-${'a'.repeat(16)}`
      await copyFile(join(cpDir, names[0]!), join(cpDir, forgedId))
      const report = await verify()
      expect(report.ok).toBe(false)
      expect(report.checkpoints!.count).toBe(2)
      expect(report.checkpoints!.problems.map((p) => [p.kind, p.checkpoint])).toEqual(
        [
          ['damaged', names[2]],
          ['damaged', forgedId],
        ].sort((a, b) => (a[1]! < b[1]! ? -1 : 1)),
      )
      expect(report.checkpoints!.problems[0]!.message).toMatch(/failed authentication/)
    })

    it('case 11: a chain with events and no checkpoint left is reported', async () => {
      await appendN(2)
      await rm(join(t.dir, 'checkpoints'), { recursive: true })
      const report = await verify()
      expect(report).toMatchObject({ ok: false, checkpoints: { count: 0, latest: null, problems: [{ kind: 'none' }] } })
    })

    it('case 11: a copy file kept elsewhere still finds a truncation after the repository lost its checkpoints', async () => {
      const copy = join(dir, 'checkpoints.jsonl')
      await appendN(4, 1, copy)
      const lines = (await readFile(copy, 'utf8'))
        .trim()
        .split('\n')
        .map((l) => JSON.parse(l))
      expect(lines.map((l) => l.seq)).toEqual([1, 2, 3, 4])
      expect(lines[0]).toMatchObject({ lastgood: 'audit-checkpoint', events: 1 })
      expect((await verify(copy)).checkpoints).toMatchObject({ count: 4, problems: [] })

      await rm(join(t.dir, 'checkpoints'), { recursive: true })
      await state.db.deleteFrom('audit_events').where('seq', '>', 2).execute()
      const report = await verify(copy)
      expect(report.checkpoints!.problems.map((p) => p.message)).toEqual([
        expect.stringMatching(/^the chain ends at event 2 but a checkpoint of \S+ saw event 4: the tail was truncated$/),
      ])
    })

    it('case 11: a copy line whose readable fields were edited, or that is not a checkpoint, is reported; a torn last line is not', async () => {
      const copy = join(dir, 'checkpoints.jsonl')
      await appendN(2, 1, copy)
      const [a, b] = (await readFile(copy, 'utf8')).trim().split('\n')
      const edited = JSON.stringify({ ...JSON.parse(b!), seq: 9 })
      await writeFile(copy, `${a}\n${edited}\nnot json\n${b!.slice(0, 40)}`)
      const problems = (await verify(copy)).checkpoints!.problems
      expect(problems.map((p) => p.checkpoint)).toEqual([`${copy}:2`, `${copy}:3`])
      expect(problems[0]!.message).toContain('readable fields differ from its sealed content')
    })

    it('case 11: a configured copy file that is missing is reported', async () => {
      await appendN(1)
      const missing = join(dir, 'gone.jsonl')
      expect((await verify(missing)).checkpoints!.problems).toEqual([expect.objectContaining({ kind: 'damaged', checkpoint: missing })])
    })

    it('verify without checkpoints (no repository at hand) checks the chain alone and reports none', async () => {
      await appendN(2)
      const report = await verifyAudit(state.db)
      expect(report).toEqual({ ok: true, events: 2, headHash: expect.stringMatching(/^[0-9a-f]{64}$/) })
    })
  })
}
