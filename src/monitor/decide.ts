import type { ResolvedApp, ResolvedMonitor, ResolvedTrigger } from '../config/types.js'

export interface AppCooldown {
  /** ms since the epoch; null when the app has not been rolled back automatically. */
  cooldownUntil: number | null
  /** Automatic rollbacks in a row, each within the cooldown of the one before. */
  automaticRollbacks: number
  /** The automatic run that set the cooldown: what it restored is the state the cooldown is about. */
  lastRun?: string | null
}

export type Decision = { action: 'rollback'; why: string } | { action: 'alert'; why: string } | { action: 'escalate'; why: string }

/**
 * The decision matrix for a trigger that just fired. `rollback` is automatic and needs no approval (the
 * seeds: error rate above 5 % → automatic). What prevents rollback loops: an app in cooldown after an
 * automatic rollback whose rollback trigger fires again has a bad restored state too, so lastgood stops and
 * escalates, or, where configured, walks back one more known-good snapshot at most maxAutomaticRollbacks
 * times in a row.
 */
export function decide(t: ResolvedTrigger, app: AppCooldown, policy: ResolvedMonitor, now: number): Decision {
  if (t.action === 'alert') return { action: 'alert', why: `trigger ${t.name} asks for a person to decide` }
  if (t.action === 'escalate') return { action: 'escalate', why: `trigger ${t.name} escalates` }
  const inCooldown = app.cooldownUntil !== null && now < app.cooldownUntil
  if (!inCooldown) return { action: 'rollback', why: `trigger ${t.name} rolls back automatically` }
  const until = new Date(app.cooldownUntil!).toISOString()
  if (policy.onRestoredFailure === 'roll_back_further' && app.automaticRollbacks < policy.maxAutomaticRollbacks) {
    return {
      action: 'rollback',
      why: `the state restored by the last automatic rollback fails too (cooldown until ${until}); rolling back further (${app.automaticRollbacks + 1} of ${policy.maxAutomaticRollbacks})`,
    }
  }
  const limit =
    policy.onRestoredFailure === 'roll_back_further' ? ` and ${app.automaticRollbacks} automatic rollbacks in a row reached the limit` : ''
  return {
    action: 'escalate',
    why: `the state restored by the last automatic rollback fails too (cooldown until ${until})${limit}; not rolling back again`,
  }
}

/** A trigger that decided to act on its app, and what it saw. */
export interface Firing {
  app: ResolvedApp
  trigger: ResolvedTrigger
  decision: Decision
  /** What the trigger saw, in words. */
  detail: string
  /** When the condition started to hold (ms): a rollback that began after it already answered it. */
  since: number
}
