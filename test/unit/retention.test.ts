import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import type { ResolvedApp } from '../../src/config/types.js'
import { decideRetention } from '../../src/snapshots/retention.js'
import type { SnapshotRecord } from '../../src/snapshots/snapshot-record.js'

const DAY = 86_400_000
const app = (keepLast: number, keepWithinMs: number) => ({ name: 'staff', retention: { keepLast, keepWithinMs } }) as ResolvedApp

function snaps(ages: number[], good: boolean[], now: number): SnapshotRecord[] {
  return ages
    .map((age, i) => ({ id: `s${i}`, createdAt: new Date(now - age).toISOString(), knownGood: good[i] ?? false }) as SnapshotRecord)
    .sort((x, y) => Date.parse(y.createdAt) - Date.parse(x.createdAt))
}

describe('retention', () => {
  it("keeps the seeds' defaults: the last 10 and everything younger than 30 days", () => {
    const now = Date.now()
    const list = snaps(
      Array.from({ length: 15 }, (_, i) => (i + 1) * 10 * DAY),
      [],
      now,
    )
    const d = decideRetention(app(10, 30 * DAY), list, now)
    expect(d.keep).toHaveLength(10)
    expect(d.remove.map((s) => s.id)).toEqual(['s10', 's11', 's12', 's13', 's14'])
  })

  it('never removes the target of the next automatic rollback, and every snapshot is either kept or removed (property)', () => {
    fc.assert(
      fc.property(
        fc.array(fc.tuple(fc.integer({ min: 0, max: 90 * DAY }), fc.boolean()), { maxLength: 40 }),
        fc.integer({ min: 0, max: 12 }),
        (items, keepLast) => {
          const now = Date.now()
          const list = snaps(
            items.map((x) => x[0]),
            items.map((x) => x[1]),
            now,
          )
          const newestGood = list.find((s) => s.knownGood)
          const d = decideRetention(app(keepLast, 30 * DAY), list, now, newestGood ? { target: newestGood.id } : {})
          expect(d.keep.length + d.remove.length).toBe(list.length)
          if (newestGood) expect(d.remove).not.toContain(newestGood)
          for (const s of d.remove) expect(now - Date.parse(s.createdAt)).toBeGreaterThanOrEqual(30 * DAY)
          expect(d.keep.length).toBeGreaterThanOrEqual(Math.min(keepLast, list.length))
        },
      ),
    )
  })
})

describe('retention and unfinished rollbacks', () => {
  it('keeps a snapshot an unfinished rollback still needs, however old', () => {
    const now = Date.now()
    const list = snaps([1 * DAY, 100 * DAY], [false, false], now)
    const d = decideRetention(app(1, 30 * DAY), list, now, { pinned: new Map([['s1', 'rb-unfinished']]) })
    expect(d.remove).toEqual([])
    expect(d.keep.find((k) => k.snapshot.id === 's1')?.why).toContain('needed by unfinished rollback rb-unfinished')
  })
})
