import { describe, expect, it } from 'vitest'
import type { ResolvedMonitor, ResolvedTrigger, TriggerAction } from '../../src/config/types.js'
import { type AppCooldown, decide } from '../../src/monitor/decide.js'

const MIN = 60_000
const NOW = Date.UTC(2025, 0, 1, 12)

const trigger = (action: TriggerAction, name = 'error-rate'): ResolvedTrigger => ({
  name,
  kind: 'error_rate',
  action,
  scenario: 'error_rate',
  forMs: 0,
  windowMs: 5 * MIN,
  source: 'probes',
  above: 0.05,
  overRequests: 100,
})

const policy = (over: Partial<ResolvedMonitor> = {}): ResolvedMonitor => ({
  cooldownMs: 30 * MIN,
  onRestoredFailure: 'escalate',
  maxAutomaticRollbacks: 2,
  watchForMs: 10 * MIN,
  ...over,
})

const fresh: AppCooldown = { cooldownUntil: null, automaticRollbacks: 0 }
const cooling = (automaticRollbacks = 1, until = NOW + 10 * MIN): AppCooldown => ({ cooldownUntil: until, automaticRollbacks })

describe('decide', () => {
  it('an alert trigger asks a person, whatever the cooldown', () => {
    for (const app of [fresh, cooling(1), cooling(5)]) {
      for (const p of [policy(), policy({ onRestoredFailure: 'roll_back_further' })]) {
        expect(decide(trigger('alert', 'slow'), app, p, NOW)).toEqual({ action: 'alert', why: 'trigger slow asks for a person to decide' })
      }
    }
  })

  it('an escalate trigger escalates, whatever the cooldown', () => {
    for (const app of [fresh, cooling(1)]) {
      expect(decide(trigger('escalate', 'outage'), app, policy({ onRestoredFailure: 'roll_back_further' }), NOW)).toEqual({
        action: 'escalate',
        why: 'trigger outage escalates',
      })
    }
  })

  it('a rollback trigger rolls back automatically when the app was never rolled back', () => {
    expect(decide(trigger('rollback'), fresh, policy(), NOW)).toEqual({
      action: 'rollback',
      why: 'trigger error-rate rolls back automatically',
    })
  })

  it('a rollback trigger rolls back, not further, once the cooldown has ended', () => {
    const expected = { action: 'rollback', why: 'trigger error-rate rolls back automatically' }
    expect(decide(trigger('rollback'), cooling(1, NOW - MIN), policy(), NOW)).toEqual(expected)
    // The cooldown ends at cooldownUntil itself.
    expect(decide(trigger('rollback'), cooling(1, NOW), policy(), NOW)).toEqual(expected)
    // Even after many automatic rollbacks in a row, and with either policy.
    expect(decide(trigger('rollback'), cooling(9, NOW - 1), policy({ onRestoredFailure: 'roll_back_further' }), NOW)).toEqual(expected)
  })

  it('inside the cooldown with on_restored_failure: escalate, it escalates instead of rolling back', () => {
    const d = decide(trigger('rollback'), cooling(1, NOW + 1), policy({ onRestoredFailure: 'escalate' }), NOW)
    expect(d).toEqual({
      action: 'escalate',
      why: `the state restored by the last automatic rollback fails too (cooldown until ${new Date(NOW + 1).toISOString()}); not rolling back again`,
    })
  })

  it('escalates inside the cooldown with on_restored_failure: escalate even when no rollback was counted', () => {
    expect(decide(trigger('rollback'), cooling(0), policy({ onRestoredFailure: 'escalate' }), NOW).action).toBe('escalate')
  })

  it('inside the cooldown with roll_back_further, it rolls back further until the limit, then escalates', () => {
    const p = policy({ onRestoredFailure: 'roll_back_further', maxAutomaticRollbacks: 3 })
    const until = NOW + 10 * MIN
    const at = (n: number) => decide(trigger('rollback'), cooling(n, until), p, NOW)
    for (const n of [0, 1, 2]) {
      expect(at(n)).toEqual({
        action: 'rollback',
        why: `the state restored by the last automatic rollback fails too (cooldown until ${new Date(until).toISOString()}); rolling back further (${n + 1} of 3)`,
      })
    }
    for (const n of [3, 4]) {
      expect(at(n)).toEqual({
        action: 'escalate',
        why: `the state restored by the last automatic rollback fails too (cooldown until ${new Date(until).toISOString()}) and ${n} automatic rollbacks in a row reached the limit; not rolling back again`,
      })
    }
  })

  it('with roll_back_further and a limit of 0, it escalates at once inside the cooldown', () => {
    const d = decide(trigger('rollback'), cooling(0), policy({ onRestoredFailure: 'roll_back_further', maxAutomaticRollbacks: 0 }), NOW)
    expect(d.action).toBe('escalate')
    expect(d.why).toContain('0 automatic rollbacks in a row reached the limit')
  })

  it('a sequence: rollback, further, further, escalate; after the cooldown, a rollback again', () => {
    const p = policy({ onRestoredFailure: 'roll_back_further', maxAutomaticRollbacks: 2, cooldownMs: 30 * MIN })
    const t = trigger('rollback')
    let app: AppCooldown = fresh
    let now = NOW
    const seen: string[] = []
    for (let i = 0; i < 4; i++) {
      const d = decide(t, app, p, now)
      // A rollback inside the cooldown walks back further; the responder records a cooldown from now and one
      // more automatic rollback in a row (or the first of a new row).
      const further = app.cooldownUntil !== null && now < app.cooldownUntil
      seen.push(d.action === 'rollback' ? (further ? 'further' : 'rollback') : d.action)
      if (d.action === 'rollback') {
        expect(d.why).toContain(further ? 'rolling back further' : 'rolls back automatically')
        app = { cooldownUntil: now + p.cooldownMs, automaticRollbacks: further ? app.automaticRollbacks + 1 : 1 }
      }
      now += 5 * MIN
    }
    expect(seen).toEqual(['rollback', 'further', 'escalate', 'escalate'])
    expect(decide(t, app, p, app.cooldownUntil!)).toEqual({ action: 'rollback', why: 'trigger error-rate rolls back automatically' })
  })
})
