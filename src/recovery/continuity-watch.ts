import type { ResolvedApp } from '../config/types.js'
import type { Platform } from '../platform/platform.js'
import { activeActivations, appDownIn, appUpIn } from './continuity.js'

export type RoundState = 'passed' | 'failed' | 'unknown'

/**
 * Turns the monitor's probe rounds into continuity activations: an app is down once its consecutive failed
 * rounds reach health.failures (downtime counts from the first of them), up again after a passing round.
 * Only apps some plan needs are tracked, and the state database is written only when an app changes side,
 * so healthy rounds cost nothing. Which apps are down is read back from the active rows (refresh), so a
 * restarted monitor, or a plan an escalation activated, is known here too.
 */
export class ContinuityWatch {
  private readonly streaks = new Map<string, { count: number; since: number }>()
  private down = new Set<string>()
  private readonly planned: Set<string>

  constructor(
    private readonly p: Platform,
    private readonly actor: string,
  ) {
    this.planned = new Set(p.config.continuity.flatMap((plan) => plan.apps))
  }

  /** Reloads which apps active plans count as down. */
  async refresh(): Promise<void> {
    if (this.planned.size === 0) return
    this.down = new Set((await activeActivations(this.p.state.db)).flatMap((a) => a.downApps))
  }

  isDown(app: string): boolean {
    return this.down.has(app)
  }

  async observe(app: ResolvedApp, state: RoundState, at: number): Promise<void> {
    if (!this.planned.has(app.name) || state === 'unknown') return
    if (state === 'passed') {
      this.streaks.delete(app.name)
      if (!this.down.has(app.name)) return
      this.down.delete(app.name)
      await this.p.state.writeTransaction((tx) => appUpIn(tx, this.p.config, app.name, { actor: this.actor, now: at }))
      return
    }
    const streak = this.streaks.get(app.name) ?? { count: 0, since: at }
    streak.count++
    this.streaks.set(app.name, streak)
    if (streak.count < app.health.failures || this.down.has(app.name)) return
    this.down.add(app.name)
    const why = `${streak.count} consecutive failed health rounds since ${new Date(streak.since).toISOString()}`
    await this.p.state.writeTransaction((tx) =>
      appDownIn(tx, this.p.config, app.name, { actor: this.actor, since: streak.since, now: at, why }),
    )
  }
}
