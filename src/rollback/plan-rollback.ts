import type { ResolvedApp, ResolvedComponent } from '../config/types.js'
import { UserError } from '../core/errors.js'
import type { Platform } from '../platform/platform.js'
import type { Change, ComponentManifest, VersionInfo } from '../providers/provider.js'
import { providerFor } from '../providers/registry.js'
import { loadManifest, providerContext } from '../snapshots/create-snapshot.js'
import { resolveRecoveryTarget } from '../snapshots/platform-snapshot.js'
import { explainPassedOver, findRollbackTarget } from '../snapshots/rollback-target.js'
import { requireSnapshot, type SnapshotRecord } from '../snapshots/snapshot-record.js'
import { refuseLiveLocks } from './target-lock.js'
import { refuseUnfinishedRuns } from './unfinished-run.js'

export interface ComponentPlan {
  component: ResolvedComponent
  manifestId: string
  manifest: ComponentManifest
  /** What runs now, as the preview saw it. */
  current: VersionInfo
  /** The version before the run changed anything: `current` for a new run, as recorded for a resumed one. */
  from: string
  changes: Change[]
}

export interface AppPlan {
  app: ResolvedApp
  target: SnapshotRecord
  components: ComponentPlan[]
}

export interface RollbackPlan {
  /** In recovery-priority order: each app is restored and validated before the next starts. */
  apps: AppPlan[]
}

export interface PlanRequest {
  apps: ResolvedApp[]
  /** A snapshot of the one app, or a platform snapshot (`ps-…`) with a member for every app. */
  to?: string
  /** The snapshot id to restore per app (an incident's targets); an app left out gets its last known good. */
  targets?: Map<string, string>
  components?: string[]
  signal: AbortSignal
}

/**
 * Computes everything that can fail before the first change: targets, components, manifests, previews.
 * A plan that cannot run throws UserError here, so nothing has been touched. An app that another run is
 * rolling back now, or whose last run stopped unfinished, is refused (exit 3) before anything is planned: a
 * plan made against a half-rolled-back app would be wrong (the unfinished run is resumed or abandoned first).
 */
export async function planRollback(p: Platform, req: PlanRequest): Promise<RollbackPlan> {
  const targets = req.to
    ? await resolveRecoveryTarget(
        p.state.db,
        req.to,
        req.apps.map((a) => a.name),
      )
    : req.targets
  await refuseLiveLocks(
    p.state.db,
    req.apps.map((a) => `app:${a.name}`),
  )
  await refuseUnfinishedRuns(
    p.state.db,
    req.apps.map((a) => a.name),
  )
  const plans: AppPlan[] = []
  for (const app of req.apps) {
    const selected = selectComponents(app, req.components)
    const current = new Map<string, VersionInfo>()
    for (const c of selected) current.set(c.name, await providerFor(c).current(c, providerContext(p, app, c, req.signal)))
    const explicit = targets?.get(app.name)
    const target = explicit ? await explicitTarget(p, app, explicit) : await lastKnownGood(p, app, selected, current)
    const components: ComponentPlan[] = []
    for (const c of selected) {
      const now = current.get(c.name)!
      components.push(await planComponent(p, app, target, c, now, now.version, req.signal))
    }
    plans.push({ app, target, components })
  }
  return { apps: plans }
}

/** One component's part of a plan: its manifest in the target snapshot and the preview of restoring it. */
export async function planComponent(
  p: Platform,
  app: ResolvedApp,
  target: SnapshotRecord,
  c: ResolvedComponent,
  current: VersionInfo,
  from: string,
  signal: AbortSignal,
): Promise<ComponentPlan> {
  const entry = target.components.find((sc) => sc.name === c.name)
  if (!entry) throw new UserError(`snapshot ${target.id} has no component "${c.name}" of app ${app.name}; pick another with --to`)
  if (entry.provider !== c.provider) {
    throw new UserError(
      `component ${app.name}/${c.name} is now provided by ${c.provider}, but snapshot ${target.id} holds a ${entry.provider} capture`,
    )
  }
  const manifest = await loadManifest(p, entry.manifest)
  const ctx = providerContext(p, app, c, signal)
  return { component: c, manifestId: entry.manifest, manifest, current, from, changes: await providerFor(c).preview(c, manifest, ctx) }
}

/**
 * The components a rollback restores: those named, else every component but the data ones (`data: true`).
 * Data is restored only when asked (by name, or a runbook's restore_data): rolling a database back with the
 * code would silently lose every write since the snapshot.
 */
function selectComponents(app: ResolvedApp, names?: string[]): ResolvedComponent[] {
  if (!names || names.length === 0) {
    const code = app.components.filter((c) => !c.data)
    if (code.length > 0) return code
    throw new UserError(
      `app ${app.name} has only data components (${app.components.map((c) => c.name).join(', ')}); data is restored only when asked: name it with --component ${app.components[0]!.name}`,
    )
  }
  const unknown = names.filter((n) => !app.components.some((c) => c.name === n))
  if (unknown.length > 0) {
    throw new UserError(
      `app ${app.name} has no component ${unknown.map((n) => `"${n}"`).join(', ')}; it has: ${app.components.map((c) => c.name).join(', ')}`,
    )
  }
  return app.components.filter((c) => names.includes(c.name))
}

async function explicitTarget(p: Platform, app: ResolvedApp, id: string): Promise<SnapshotRecord> {
  return requireSnapshot(p.state.db, id, { app: app.name })
}

/**
 * The newest snapshot the one rule allows (snapshots/rollback-target.ts) that holds every selected component
 * and in which one differs from what runs now. A snapshot of fewer components cannot restore the others.
 */
async function lastKnownGood(
  p: Platform,
  app: ResolvedApp,
  selected: ResolvedComponent[],
  current: Map<string, VersionInfo>,
): Promise<SnapshotRecord> {
  const differFrom = new Map(selected.map((c) => [c.name, current.get(c.name)?.version]))
  const search = await findRollbackTarget(p.state.db, { app: app.name, components: selected, differFrom })
  if (!search.target) {
    const now = selected.map((c) => `${c.name}=${current.get(c.name)?.version}`).join(', ')
    throw new UserError(
      `no known-good snapshot of ${app.name} differs from what runs now (${now})${explainPassedOver(search)}; ` +
        `see \`lastgood snapshot list ${app.name}\`, mark one good with \`lastgood snapshot mark-good ID\`, or pass --to ID`,
    )
  }
  return search.target
}
