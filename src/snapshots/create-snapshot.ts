import { appendAuditIn } from '../audit/audit-log.js'
import type { ResolvedApp, ResolvedComponent } from '../config/types.js'
import { timeId } from '../core/clock.js'
import { asError, OperationFailedError, UserError } from '../core/errors.js'
import { probeHealth } from '../health/probe-health.js'
import type { Platform } from '../platform/platform.js'
import type { ComponentManifest, ProviderContext } from '../providers/provider.js'
import { factoryFor, providerFor } from '../providers/registry.js'
import { listSnapshots, type SnapshotComponent, type SnapshotKind, type SnapshotRecord, toSnapshotRow } from './snapshot-record.js'

export interface CreateSnapshotOptions {
  kind: SnapshotKind
  label?: string | null
  actor: string
  reason?: string | null
  signal?: AbortSignal
  /** Components to capture; all when absent (a safety snapshot before a partial rollback takes fewer). */
  components?: string[]
  /**
   * Not known good whatever its health at capture: a deploy watch vouches for it only after its soak, since
   * one passing probe of a new release proves little.
   */
  provisional?: boolean
}

/**
 * Captures every component of an app and records its health at that moment. Write order: component data,
 * manifests and the snapshot document go to the repository first; the state row and its audit event are
 * committed together last. A crash before that leaves only unreferenced repository data, which prune removes.
 */
export async function createSnapshot(p: Platform, app: ResolvedApp, opts: CreateSnapshotOptions): Promise<SnapshotRecord> {
  const signal = opts.signal ?? new AbortController().signal
  const id = timeId(app.name)
  const selected = app.components.filter((c) => !opts.components || opts.components.includes(c.name))
  const components: SnapshotComponent[] = []
  const failed: { name: string; err: unknown }[] = []
  for (const component of selected) {
    const ctx = providerContext(p, app, component, signal)
    // Only a capture that reads files one by one has anything to skip with the previous manifest.
    if (factoryFor(component).capabilities.capturesFiles) ctx.previous = previousManifest(p, app, component)
    // One component that cannot be captured does not keep the others from being tried: the error names each.
    const manifest = await providerFor(component)
      .capture(component, ctx)
      .catch((err: unknown) => {
        if (signal.aborted) throw err
        failed.push({ name: component.name, err })
        return undefined
      })
    // A stop (Ctrl-C) between components: what was written stays unreferenced, for prune; no record is made.
    signal.throwIfAborted()
    if (!manifest) continue
    const manifestId = await p.repository.putBlob('tree', encodeManifest(manifest))
    components.push({
      name: component.name,
      provider: component.provider,
      version: manifest.version,
      manifest: manifestId,
      ...(manifest.summary?.files !== undefined ? { files: manifest.summary.files } : {}),
      ...(manifest.summary?.bytes !== undefined ? { bytes: manifest.summary.bytes } : {}),
    })
  }
  if (failed.length > 0) throw notTaken(app, failed, components)
  const health = await probeHealth(app.health, signal)
  signal.throwIfAborted()
  const record: SnapshotRecord = {
    id,
    app: app.name,
    kind: opts.kind,
    label: opts.label ?? null,
    createdAt: new Date().toISOString(),
    actor: opts.actor,
    health: health.state,
    healthDetail: health,
    // A safety snapshot holds what a rollback is moving away from: restored only when named, never vouched for.
    knownGood: !opts.provisional && opts.kind !== 'safety' && health.state === 'passed',
    markedGoodBy: null,
    components,
    prunedAt: null,
  }
  await p.repository.saveSnapshot({
    id,
    app: app.name,
    createdAt: record.createdAt,
    kind: record.kind,
    components: components.map(({ name, provider, version, manifest }) => ({ name, provider, version, manifest })),
    meta: { label: record.label, actor: record.actor, health: record.health },
  })
  await p.state.writeTransaction(async (tx) => {
    await tx.insertInto('snapshots').values(toSnapshotRow(record)).execute()
    await appendAuditIn(tx, {
      actor: opts.actor,
      action: 'snapshot.create',
      target: app.name,
      reason: opts.reason ?? null,
      outcome: 'success',
      details: {
        snapshot: id,
        kind: record.kind,
        label: record.label,
        health: record.health,
        versions: Object.fromEntries(components.map((c) => [c.name, c.version])),
      },
    })
  })
  return record
}

/**
 * A snapshot holds every component it names or is not recorded: one lacking a component would become a
 * rollback target that silently leaves that component as it is. What the others stored stays in the
 * repository unreferenced (the next capture reuses it; prune removes it). With one failure the error is that
 * component's own; with several, one error naming each, a user error (exit 2) when every one is.
 */
function notTaken(app: ResolvedApp, failed: { name: string; err: unknown }[], captured: SnapshotComponent[]): Error {
  const kept = captured.length > 0 ? `; captured but not recorded: ${captured.map((c) => `${c.name} (${c.version})`).join(', ')}` : ''
  const why = failed.map((f) => `${f.name}: ${asError(f.err).message}`).join('; ')
  if (failed.length === 1 && kept === '') return asError(failed[0]!.err)
  const message = `snapshot of ${app.name} not taken, ${failed.length} of ${failed.length + captured.length} components failed: ${why}${kept}`
  return failed.every((f) => f.err instanceof UserError)
    ? new UserError(message)
    : new OperationFailedError(message, { cause: failed[0]!.err })
}

export function providerContext(p: Platform, app: ResolvedApp, component: ResolvedComponent, signal: AbortSignal): ProviderContext {
  return { app: app.name, component: component.name, configDir: p.config.dir, blobs: p.repository, signal, log: p.log }
}

/**
 * ProviderContext.previous for a capture: the newest snapshot of the app with this component and provider
 * (at `version` when asked). Unreadable is the same as none, with a warning: a damaged old snapshot must
 * not stop a new one (the safety snapshot of a rollback least of all); it only costs reading every file.
 */
function previousManifest(p: Platform, app: ResolvedApp, component: ResolvedComponent) {
  return async (version?: string): Promise<ComponentManifest | undefined> => {
    for (const s of await listSnapshots(p.state.db, app.name)) {
      const c = s.components.find(
        (x) => x.name === component.name && x.provider === component.provider && (version === undefined || x.version === version),
      )
      if (!c) continue
      return loadManifest(p, c.manifest).catch((err: unknown) => {
        p.log.warn({ app: app.name, component: component.name, snapshot: s.id, err }, 'previous capture unreadable; reading every file')
        return undefined
      })
    }
    return undefined
  }
}

export function encodeManifest(m: ComponentManifest): Uint8Array {
  return new TextEncoder().encode(JSON.stringify(m))
}

export async function loadManifest(p: Platform, manifestId: string): Promise<ComponentManifest> {
  return JSON.parse(new TextDecoder().decode(await p.repository.getBlob(manifestId))) as ComponentManifest
}
