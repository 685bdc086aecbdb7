import type { ResolvedApp } from '../config/types.js'
import type { Platform } from '../platform/platform.js'
import type { AppCooldown } from './decide.js'
import type { EventBus } from './events.js'
import { deployedSince, liveVersions, restoredVersions, type Versions } from './live-versions.js'
import { loadCooldown, saveCooldown } from './monitor-store.js'

/**
 * Notices when someone deployed, so that protection never lapses on a stale judgement: the cooldown after an
 * automatic rollback is about the state it restored, and a trigger that fired stays firing until its
 * condition clears. Versions are read only when a trigger fires and while one stays firing, never on a
 * healthy round.
 */
export class NewDeploys {
  /** What ran when each app's trigger fired. */
  private readonly firedOn = new Map<string, Versions>()

  constructor(
    private readonly p: Platform,
    private readonly bus: EventBus,
    private readonly signal: AbortSignal,
  ) {}

  /** A trigger of the app fired: remember what runs now. */
  async fired(app: ResolvedApp): Promise<void> {
    this.firedOn.set(app.name, await liveVersions(this.p, app, this.signal))
  }

  forget(app: string): void {
    this.firedOn.delete(app)
  }

  /**
   * The app's cooldown, unless what ran when its trigger fired is not what its last automatic rollback
   * restored: then someone deployed since, and the cooldown is reset (a different bad release is rolled back).
   */
  async cooldown(app: ResolvedApp): Promise<AppCooldown> {
    const c = await loadCooldown(this.p.state.db, app.name)
    if (c.cooldownUntil === null || Date.now() >= c.cooldownUntil || !c.lastRun) return c
    const changed = deployedSince(await restoredVersions(this.p.state.db, c.lastRun, app.name), this.firedOn.get(app.name) ?? {})
    if (changed.length === 0) return c
    await this.reset(
      app.name,
      `${app.name} runs ${changed.join('; ')} (what its automatic rollback ${c.lastRun} restored): a new deploy, so the cooldown is reset`,
    )
    return { cooldownUntil: null, automaticRollbacks: 0, lastRun: null }
  }

  /**
   * While a trigger of the app stays firing (its rollback failed, or it escalated), whether the version changed
   * since it fired: a new deploy, which the caller judges afresh so that its bad state fires again.
   */
  async since(app: ResolvedApp): Promise<boolean> {
    const fired = this.firedOn.get(app.name)
    if (!fired) return false
    const changed = deployedSince(fired, await liveVersions(this.p, app, this.signal))
    if (changed.length === 0) return false
    await this.reset(app.name, `${app.name} runs ${changed.join('; ')} (what ran when its trigger fired): a new deploy, judged afresh`)
    return true
  }

  /** A new state: no cooldown applies to it. */
  async reset(app: string, message?: string): Promise<void> {
    this.firedOn.delete(app)
    await saveCooldown(this.p.state, app, { cooldownUntil: null, automaticRollbacks: 0 }, null)
    if (message) await this.bus.emit({ type: 'deploy.detected', app, message, data: {} })
  }
}
