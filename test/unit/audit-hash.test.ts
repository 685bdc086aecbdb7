import { createHash } from 'node:crypto'
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { type AuditEvent, hashEvent } from '../../src/audit/audit-event.js'
import { canonicalJson } from '../../src/core/canonical-json.js'

/** The definition every stored hash was made with: SHA-256 of the canonical JSON of the event's fields. */
function definition(e: Omit<AuditEvent, 'hash'>): string {
  const body = canonicalJson({
    seq: e.seq,
    ts: e.ts,
    actor: e.actor,
    action: e.action,
    target: e.target,
    reason: e.reason,
    outcome: e.outcome,
    details: e.details,
    prev_hash: e.prevHash,
  })
  return createHash('sha256').update(body).digest('hex')
}

const event = fc.record({
  seq: fc.integer({ min: 1, max: 2 ** 40 }),
  ts: fc.string(),
  actor: fc.string(),
  action: fc.string(),
  target: fc.string(),
  reason: fc.option(fc.string(), { nil: null }),
  outcome: fc.string(),
  details: fc.dictionary(fc.oneof(fc.string(), fc.constantFrom('0', '9', '10', '01', '-1', '4294967294', '4294967295')), fc.jsonValue()),
  prevHash: fc.string(),
})

describe('audit event hash', () => {
  it('is the canonical-JSON definition for any event, so every stored chain still verifies', () => {
    fc.assert(
      fc.property(event, (e) => hashEvent(e) === definition(e)),
      { numRuns: 2000 },
    )
  })

  it('has not changed for a known event (integer-like keys, nesting, null reason)', () => {
    const e = {
      seq: 7,
      ts: '2026-01-01T00:07:00.000Z',
      actor: 'monitor@host-1',
      action: 'monitor.decision',
      target: 'staff',
      reason: null,
      outcome: 'success',
      details: { z: [1, { b: 2, a: 'x' }], '10': true, '9': null, a: 1.5 },
      prevHash: 'a'.repeat(64),
    }
    expect(hashEvent(e)).toBe('81493e7ce828f8865f70dedc616f6663f07c503c165416121d306b599e1c40cf')
  })
})
