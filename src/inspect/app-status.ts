import type { ResolvedApp } from '../config/types.js'
import { type HealthRound, probeHealth } from '../monitor/probe-health.js'
import type { Platform } from '../platform/platform.js'
import type { Leftover } from '../providers/provider.js'
import { providerFor } from '../providers/registry.js'
import { latestRun, resumeCommand, unfinishedOf } from '../rollback/unfinished-run.js'
import { providerContext } from '../snapshots/create-snapshot.js'
import { listSnapshots } from '../snapshots/snapshot-record.js'

export interface ComponentStatus {
  name: string
  provider: string
  version: string | null
  detail?: Record<string, string>
  error?: string
}

export interface AppStatus {
  app: string
  priority: number
  components: ComponentStatus[]
  lastKnownGood: { id: string; createdAt: string; versions: Record<string, string> } | null
  /** Whether what runs now is what the last known-good snapshot holds. */
  runningKnownGood: boolean
  snapshots: number
  /**
   * A run that did not finish reads `interrupted at restore release-b (staff, step 6)`, with `stoppedAt` and,
   * when it can be resumed, the `resume` command; `lastgood rollback` of the app refuses until it is resumed
   * or abandoned.
   */
  lastRollback: { id: string; status: string; startedAt: string; reason: string; actor: string; stoppedAt?: string; resume?: string } | null
  health: HealthRound
  /** What earlier restores left on disk and retention still keeps (release copies moved aside), per component. */
  leftovers: (Leftover & { component: string })[]
}

/** What runs now, what we would roll back to, the last rollback, and health. Reads only. */
export async function appStatus(p: Platform, app: ResolvedApp): Promise<AppStatus> {
  const signal = new AbortController().signal
  const components: ComponentStatus[] = []
  for (const c of app.components) {
    try {
      const v = await providerFor(c).current(c, providerContext(p, app, c, signal))
      components.push({ name: c.name, provider: c.provider, version: v.version, ...(v.detail ? { detail: v.detail } : {}) })
    } catch (err) {
      components.push({ name: c.name, provider: c.provider, version: null, error: (err as Error).message })
    }
  }
  const snaps = await listSnapshots(p.state.db, app.name)
  const good = snaps.find((s) => s.knownGood)
  const lastKnownGood = good ? { id: good.id, createdAt: good.createdAt, versions: Object.fromEntries(good.components.map((c) => [c.name, c.version])) } : null
  const run = await latestRun(p.state.db, app.name)
  const unfinished = run ? await unfinishedOf(p.state.db, run) : undefined
  return {
    app: app.name,
    priority: app.priority,
    components,
    lastKnownGood,
    runningKnownGood: !!lastKnownGood && components.every((c) => lastKnownGood.versions[c.name] === c.version),
    snapshots: snaps.length,
    lastRollback: run ? {
      id: run.id, status: run.status, startedAt: run.started_at, reason: run.reason, actor: run.actor,
      ...(unfinished ? { status: `interrupted ${unfinished.stoppedAt}`, stoppedAt: unfinished.stoppedAt } : {}),
      ...(unfinished && unfinished.run.plan !== null ? { resume: resumeCommand(run.id) } : {}),
    } : null,
    health: await probeHealth(app.health, signal),
    leftovers: await leftoversOf(p, app, signal),
  }
}

/** Each component's leftovers; one that cannot be listed shows none rather than hiding the rest of status. */
async function leftoversOf(p: Platform, app: ResolvedApp, signal: AbortSignal): Promise<AppStatus['leftovers']> {
  const out: AppStatus['leftovers'] = []
  for (const c of app.components) {
    const found = await providerFor(c).leftovers?.(c, providerContext(p, app, c, signal)).catch(() => [])
    for (const l of found ?? []) out.push({ component: c.name, ...l })
  }
  return out
}
