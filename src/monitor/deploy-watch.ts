import type { ResolvedApp } from '../config/types.js'
import { startTimer } from '../core/timers.js'
import type { Platform } from '../platform/platform.js'
import { createSnapshot } from '../snapshots/create-snapshot.js'
import { markGood } from '../snapshots/mark-good.js'
import { loadRejections } from '../snapshots/rejected-releases.js'
import { releaseNames } from '../snapshots/rollback-target.js'
import type { SnapshotRecord } from '../snapshots/snapshot-record.js'
import { stopReason } from '../rollback/journal.js'
import type { MonitorEvent } from './events.js'
import { Monitor } from './monitor.js'
import { saveCooldown } from './monitor-store.js'

export type WatchOutcome = 'passed' | 'rolled-back' | 'rollback-failed' | 'alerted' | 'escalated' | 'inconclusive'

export interface WatchResult {
  app: string
  /** The deployed state, captured when the watch began; known good only when the outcome is `passed`. */
  snapshot: string
  versions: Record<string, string>
  outcome: WatchOutcome
  /** Why, in words. */
  detail: string
  forMs: number
  startedAt: string
  endedAt: string
}

/**
 * Canary analysis after a deploy: captures what was deployed (a provisional snapshot, not known good),
 * watches it with the app's triggers for `forMs`, and then either vouches for it (the soak passed: every
 * trigger evaluated with data and none holds) or reports what happened instead. A trigger that fires acts
 * as in `monitor`: a rollback restores the last known good state. This is how known-good snapshots appear
 * without a person.
 */
export async function watchDeploy(
  p: Platform,
  app: ResolvedApp,
  opts: { forMs: number; actor: string; onEvent?: (e: MonitorEvent) => void; stop?: AbortSignal },
): Promise<WatchResult> {
  const startedAt = new Date().toISOString()
  const monitor = new Monitor(p, [app], { startedBy: opts.actor })
  if (opts.onEvent) monitor.bus.subscribe(opts.onEvent)
  // A deploy is a new state: earlier trigger states and an automatic rollback's cooldown do not apply to it.
  await monitor.judgeAfresh(app.name)
  await saveCooldown(p.state, app.name, { cooldownUntil: null, automaticRollbacks: 0 }, null)
  const snap = await createSnapshot(p, app, {
    kind: 'deploy',
    label: 'watch',
    actor: opts.actor,
    reason: `deploy watch of ${Math.round(opts.forMs / 1000)} s`,
    provisional: true,
  })
  const versions = Object.fromEntries(snap.components.map((c) => [c.name, c.version]))
  const result = (outcome: WatchOutcome, detail: string): WatchResult => ({
    app: app.name,
    snapshot: snap.id,
    versions,
    outcome,
    detail,
    forMs: opts.forMs,
    startedAt,
    endedAt: new Date().toISOString(),
  })

  const ended = new Promise<WatchResult>((resolve) => {
    monitor.bus.subscribe((e) => {
      if (e.app !== app.name) return
      // A person decides from here: the trigger's alert, or the approval the decision matrix asked for instead.
      if ((e.type === 'decision' && e.data.action === 'alert') || e.type === 'approval.requested' || e.type === 'approval.waiting')
        resolve(result('alerted', e.message))
      if (e.type === 'rollback.done') resolve(result(e.outcome === 'success' ? 'rolled-back' : 'rollback-failed', e.message))
      if (e.type === 'escalation.recorded') resolve(result('escalated', e.message))
    })
    startTimer(opts.forMs, () => resolve(soakEnded())).unref()
    // A stop (Ctrl-C) ends the soak unproven; a rollback under way stops at its next step boundary, journaled.
    const stopped = () =>
      resolve(result('inconclusive', `stopped by ${stopReason(opts.stop!)} before the soak ended; not vouching for ${snap.id}`))
    if (opts.stop?.aborted) stopped()
    else opts.stop?.addEventListener('abort', stopped, { once: true })
  })
  function soakEnded(): WatchResult {
    const states = app.triggers.map((t) => ({ t: t.name, s: monitor.triggerState(app.name, t.name).phase }))
    const unsure = states.filter((x) => x.s !== 'inactive')
    if (unsure.length > 0)
      return result('inconclusive', `the soak ended with ${unsure.map((x) => `${x.t} ${x.s}`).join(', ')}; not vouching for ${snap.id}`)
    if (app.triggers.length === 0)
      return result('inconclusive', `${app.name} has no triggers, so a soak proves nothing; not vouching for ${snap.id}`)
    return result('passed', `no trigger fired in ${Math.round(opts.forMs / 1000)} s and every trigger had data`)
  }

  await monitor.bus.emit({
    type: 'watch.started',
    app: app.name,
    outcome: 'started',
    message: `watching ${app.name} (${Object.entries(versions)
      .map(([c, v]) => `${c}=${v}`)
      .join(', ')}) for ${Math.round(opts.forMs / 1000)} s; captured as ${snap.id}`,
    data: { snapshot: snap.id, forMs: opts.forMs },
  })
  await monitor.start()
  const r = await ended
  await monitor.stop(opts.stop?.aborted ? stopReason(opts.stop) : undefined)
  if (r.outcome === 'passed') {
    await markGood(p, snap.id, { actor: opts.actor, reason: `deploy watch: ${r.detail}` })
    r.detail += await stillRejected(p, app, snap)
  }
  await monitor.bus.emit({
    type: r.outcome === 'passed' ? 'watch.passed' : 'watch.failed',
    app: app.name,
    outcome: r.outcome === 'passed' ? 'success' : 'failure',
    message: r.outcome === 'passed' ? `${snap.id} is known good: ${r.detail}` : `${r.outcome}: ${r.detail}`,
    data: { snapshot: snap.id, outcome: r.outcome },
  })
  return { ...r, endedAt: new Date().toISOString() }
}

/**
 * A soak says nothing of the business bug a person rolled back from: a release a rollback moved away from
 * stays out of automatic rollbacks until a person vouches for it, and the watch says so.
 */
async function stillRejected(p: Platform, app: ResolvedApp, snap: SnapshotRecord): Promise<string> {
  const rejected = (await loadRejections(p.state.db, app.name)).inSnapshot(snap, releaseNames(app.components))
  if (rejected.length === 0) return ''
  const which = rejected.map((x) => `${x.component}=${x.version} (rejected by rollback ${x.run})`).join(', ')
  return `; but it holds ${which}, so automatic rollbacks restore it only once a person runs \`lastgood snapshot mark-good ${snap.id}\``
}
