import { portVariable, type SamplePlatform } from '../demo/sample-platform.js'
import { loadTimeline, type TimelineEntry } from '../recovery/timeline.js'
import { findSnapshot } from '../snapshots/snapshot-record.js'
import type { StateDb } from '../state/open-state.js'
import type { AppMeasurement } from './drill-result.js'

/**
 * The parts of a whole-platform outage drill that `lastgood drill complete-system-failure` and
 * `npm run bench:dr` share: breaking every app, watching them from outside, and reading what the incident's
 * recovery did from its timeline. They differ only in how the incident is declared (in process, or the CLI).
 */

/** How often the apps are probed from outside lastgood while it recovers them. */
const PROBE_EVERY_MS = 20

/** A release whose health check fails, deployed to every app; refuses to go on if one still answers healthy. */
export async function breakAll(sp: SamplePlatform, apps: string[], version: string): Promise<void> {
  for (const app of apps) await sp.deploy(app, version, { healthy: false })
  const healthy = (await Promise.all(apps.map(async (app) => ((await answersHealthy(sp, app)) ? [app] : [])))).flat()
  if (healthy.length > 0) throw new Error(`drill setup: ${healthy.join(', ')} still answer healthy with the broken release ${version}`)
}

export async function answersHealthy(sp: SamplePlatform, app: string): Promise<boolean> {
  const r = await fetch(`http://127.0.0.1:${sp.env[portVariable(app)]}/health`, { signal: AbortSignal.timeout(2000) }).catch(
    () => undefined,
  )
  await r?.body?.cancel()
  return r?.status === 200
}

/**
 * Probes every app from outside lastgood until all answer healthy at once; `stop()` resolves with the
 * wall-clock time that first happened (or, if it had not by then, with whether it has now: else null).
 */
export function watchAllHealthy(sp: SamplePlatform, apps: string[]): { stop: () => Promise<number | null> } {
  let stopped = false
  const all = async () => (await Promise.all(apps.map((a) => answersHealthy(sp, a)))).every(Boolean)
  const seen = (async () => {
    while (!stopped) {
      if (await all()) return Date.now()
      await new Promise((r) => setTimeout(r, PROBE_EVERY_MS))
    }
    return (await all()) ? Date.now() : null
  })()
  return { stop: () => ((stopped = true), seen) }
}

export interface IncidentRecovery {
  /** The incident's `declared` entry (ms). */
  declaredAt: number
  /** One per app the recover step handled, in the order it handled them; times from the declaration. */
  apps: AppMeasurement[]
  /** Apps the recover step did not restore, with why (`already-healthy` counts: the drill broke them all). */
  notRestored: string[]
  evidenceMs: number | null
  recoverMs: number | null
  timeline: TimelineEntry[]
}

/** What the incident's runbook did, from its timeline: the same facts whoever declared it. */
export async function measureIncidentRecovery(db: StateDb, incidentId: string): Promise<IncidentRecovery> {
  const timeline = await loadTimeline(db, incidentId)
  const declared = timeline.find((e) => e.kind === 'declared')
  if (!declared) throw new Error(`incident ${incidentId} has no declared entry on its timeline`)
  const declaredAt = Date.parse(declared.at)
  const since = (iso: unknown) => (typeof iso === 'string' ? Date.parse(iso) - declaredAt : null)
  const recoveries = timeline
    .filter((e) => e.kind === 'recovery.app')
    .map(
      (e) =>
        e.data as {
          app: string
          outcome: string
          target: string | null
          run: string | null
          startedAt: string
          validatedAt: string | null
          endedAt: string
          error: string | null
        },
    )
  const apps: AppMeasurement[] = []
  for (const r of recoveries) {
    const target = r.target ? await findSnapshot(db, r.target) : undefined
    apps.push({
      app: r.app,
      trigger: null,
      detectMs: null,
      decideMs: null,
      startedMs: since(r.startedAt),
      rollbackMs: Date.parse(r.endedAt) - Date.parse(r.startedAt),
      healthyMs: since(r.validatedAt),
      run: r.run,
      restored: target ? Object.fromEntries(target.components.map((c) => [c.name, c.version])) : null,
    })
  }
  const step = (kind: string) => {
    const s = timeline.find((e) => e.kind === 'runbook.step' && e.data.kind === kind)?.data
    return s ? Date.parse(String(s.endedAt)) - Date.parse(String(s.startedAt)) : null
  }
  return {
    declaredAt,
    apps,
    timeline,
    notRestored: recoveries.filter((r) => r.outcome !== 'restored').map((r) => `${r.app} ${r.outcome}${r.error ? `: ${r.error}` : ''}`),
    evidenceMs: step('preserve_evidence'),
    recoverMs: step('recover'),
  }
}

/**
 * Why a whole-platform recovery does not count, or null: every app restored, in priority order, each one
 * validated before the next started.
 */
export function recoveryProblem(r: IncidentRecovery, priorityOrder: string[]): string | null {
  if (r.notRestored.length > 0) return `not restored: ${r.notRestored.join('; ')}`
  const order = r.apps.map((a) => a.app)
  if (order.join() !== priorityOrder.join())
    return `recovered ${order.join(', ') || 'nothing'}, not ${priorityOrder.join(', ')} in priority order`
  for (const [i, a] of r.apps.entries()) {
    const next = r.apps[i + 1]
    if (a.healthyMs === null) return `${a.app} has no validation time`
    if (next && (next.startedMs === null || next.startedMs < a.healthyMs)) return `${next.app} started before ${a.app} was validated`
  }
  return null
}
