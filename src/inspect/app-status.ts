import type { ResolvedApp } from '../config/types.js'
import { type HealthRound, probeHealth } from '../health/probe-health.js'
import type { Platform } from '../platform/platform.js'
import type { Leftover } from '../providers/provider.js'
import { providerFor } from '../providers/registry.js'
import { latestRuns, resumeCommand, unfinishedOf } from '../rollback/unfinished-run.js'
import { providerContext } from '../snapshots/create-snapshot.js'
import {
  defaultComponents,
  explainPassedOver,
  pickRollbackTarget,
  type TargetHistory,
  targetHistories,
} from '../snapshots/rollback-target.js'
import type { RollbackRunTable } from '../state/schema.js'
import { mapBounded } from '../core/bounded-map.js'
import { messageOf } from '../core/errors.js'

export interface ComponentStatus {
  name: string
  provider: string
  version: string | null
  detail?: Record<string, string>
  error?: string
  /**
   * The snapshot a rollback of this component would restore now: for a release, what a plain `lastgood rollback`
   * or the monitor restores (one snapshot for every non-data component); for a data component, what
   * `lastgood rollback APP --component NAME` restores. Null when there is none, with `noRollbackTarget` saying why.
   */
  rollbackTarget: { snapshot: string; version: string; kind: string; createdAt: string } | null
  noRollbackTarget?: string
}

export interface AppStatus {
  app: string
  priority: number
  components: ComponentStatus[]
  /** The newest snapshot the rollback-target rule allows that holds every non-data component. */
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

/**
 * How many apps status reads and probes at once: enough that 200 apps' health checks overlap instead of
 * queueing one behind another, few enough that no probe waits on a crowded event loop.
 */
const APPS_IN_FLIGHT = 32

/**
 * What runs now, what we would roll back to, the last rollback, and health, for each app in the order given.
 * Reads only. The state is read in a fixed number of queries however many apps and snapshots there are (a
 * run that did not finish adds its own), and the apps are read and probed concurrently.
 */
export async function appStatuses(p: Platform, apps: readonly ResolvedApp[]): Promise<AppStatus[]> {
  const names = apps.map((a) => a.name)
  const histories = await targetHistories(p.state.db, names)
  const runs = await latestRuns(p.state.db, names)
  return mapBounded(apps, (app) => statusOf(p, app, histories.get(app.name)!, runs.get(app.name)), { concurrency: APPS_IN_FLIGHT })
}

/** One app's status: appStatuses of it alone. */
export async function appStatus(p: Platform, app: ResolvedApp): Promise<AppStatus> {
  return (await appStatuses(p, [app]))[0]!
}

async function statusOf(p: Platform, app: ResolvedApp, history: TargetHistory, run: RollbackRunTable | undefined): Promise<AppStatus> {
  const signal = new AbortController().signal
  const components: ComponentStatus[] = []
  for (const c of app.components) {
    try {
      const v = await providerFor(c).current(c, providerContext(p, app, c, signal))
      components.push({
        name: c.name,
        provider: c.provider,
        version: v.version,
        ...(v.detail ? { detail: v.detail } : {}),
        rollbackTarget: null,
      })
    } catch (err) {
      components.push({ name: c.name, provider: c.provider, version: null, error: messageOf(err), rollbackTarget: null })
    }
  }
  findRollbackTargets(app, history, components)
  const good = pickRollbackTarget(history, { components: defaultComponents(app.components) }).target
  const lastKnownGood = good
    ? { id: good.id, createdAt: good.createdAt, versions: Object.fromEntries(good.components.map((c) => [c.name, c.version])) }
    : null
  const unfinished = run ? await unfinishedOf(p.state.db, run) : undefined
  return {
    app: app.name,
    priority: app.priority,
    components,
    lastKnownGood,
    runningKnownGood: !!lastKnownGood && components.every((c) => lastKnownGood.versions[c.name] === c.version),
    snapshots: history.snapshots.length,
    lastRollback: run
      ? {
          id: run.id,
          status: run.status,
          startedAt: run.started_at,
          reason: run.reason,
          actor: run.actor,
          ...(unfinished ? { status: `interrupted ${unfinished.stoppedAt}`, stoppedAt: unfinished.stoppedAt } : {}),
          ...(unfinished && unfinished.run.plan !== null ? { resume: resumeCommand(run.id) } : {}),
        }
      : null,
    health: await probeHealth(app.health, signal),
    leftovers: await leftoversOf(p, app, signal),
  }
}

/**
 * Fills each component's rollback target, asked as its rollback would ask (plan-rollback.ts): the releases
 * together, each data component on its own, the target differing from what runs now.
 */
function findRollbackTargets(app: ResolvedApp, history: TargetHistory, status: ComponentStatus[]): void {
  const releases = app.components.filter((c) => !c.data)
  const groups = [...(releases.length > 0 ? [releases] : []), ...app.components.filter((c) => c.data).map((c) => [c])]
  for (const group of groups) {
    const running = group.map((c) => status.find((s) => s.name === c.name)!)
    if (running.some((s) => s.error)) {
      for (const s of running) s.noRollbackTarget = 'what runs now cannot be read'
      continue
    }
    const differFrom = new Map(running.map((s) => [s.name, s.version ?? undefined]))
    const search = pickRollbackTarget(history, { components: group, differFrom })
    for (const s of running) {
      const t = search.target
      if (t) {
        s.rollbackTarget = {
          snapshot: t.id,
          version: t.components.find((x) => x.name === s.name)!.version,
          kind: t.kind,
          createdAt: t.createdAt,
        }
      } else s.noRollbackTarget = `no known-good snapshot differs from what runs now${explainPassedOver(search)}`
    }
  }
}

/** Each component's leftovers; one that cannot be listed shows none rather than hiding the rest of status. */
async function leftoversOf(p: Platform, app: ResolvedApp, signal: AbortSignal): Promise<AppStatus['leftovers']> {
  const out: AppStatus['leftovers'] = []
  for (const c of app.components) {
    const found = await providerFor(c)
      .leftovers?.(c, providerContext(p, app, c, signal))
      .catch(() => [])
    for (const l of found ?? []) out.push({ component: c.name, ...l })
  }
  return out
}
