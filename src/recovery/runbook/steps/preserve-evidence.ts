import { messageOf } from '../../../core/errors.js'
import { canonicalJson } from '../../../core/canonical-json.js'
import { timeId } from '../../../core/clock.js'
import { createSnapshot } from '../../../snapshots/create-snapshot.js'
import { type StepContext, type StepOutcome, writeIncident } from '../step-context.js'
import { copyLogs } from './evidence-logs.js'

/**
 * Keeps the state of the incident before anything is changed: an emergency snapshot of every app in scope
 * (label: the incident id; never known good, so no rollback ever targets it), copies of the configured logs,
 * and a manifest of both. The manifest is stored as canonical JSON, so its blob id is its SHA-256, and that
 * hash goes on the timeline (kind `evidence`, hence into the audit chain) before the runbook's next step:
 * anyone can later prove the evidence is what was kept then. The manifest is also the one component of a
 * repository snapshot `evidence-<incident>-…`, so prune keeps the logs as long as that snapshot exists.
 * An app that cannot be captured fails the step, but whatever was kept is still recorded.
 */
export async function preserveEvidence(ctx: StepContext, logPaths: string[]): Promise<StepOutcome> {
  const { p, incident } = ctx
  const captures = await Promise.allSettled(
    ctx.apps.map((app) =>
      createSnapshot(p, app, {
        kind: 'emergency',
        label: incident.id,
        actor: ctx.actor,
        reason: `evidence of incident ${incident.id}`,
        provisional: true,
        signal: ctx.signal,
      }),
    ),
  )
  const snapshots = captures.map((c, i) =>
    c.status === 'fulfilled' ? { app: ctx.apps[i]!.name, id: c.value.id } : { app: ctx.apps[i]!.name, error: messageOf(c.reason) },
  )
  const { logs, gaps } = await copyLogs(logPaths, p.repository)
  const refs = [...new Set(logs.flatMap((l) => l.chunks ?? (l.blob ? [l.blob] : [])))]
  const manifest = { incident: incident.id, at: new Date().toISOString(), snapshots, logs, gaps, refs }
  const sha256 = await p.repository.putBlob('tree', new TextEncoder().encode(canonicalJson(manifest)))
  const holder = timeId(`evidence-${incident.id}`)
  await p.repository.saveSnapshot({
    id: holder,
    app: 'evidence',
    createdAt: manifest.at,
    kind: 'evidence',
    components: [{ name: 'evidence', provider: 'evidence', version: incident.id, manifest: sha256 }],
    meta: { incident: incident.id },
  })
  const failed = snapshots.filter((s) => 'error' in s)
  const bytes = logs.reduce((n, l) => n + l.bytes, 0)
  const detail = [
    `evidence manifest sha256 ${sha256}`,
    `${snapshots.length - failed.length}/${snapshots.length} emergency snapshots`,
    `${logs.length} log files (${bytes} bytes)`,
    ...(gaps.length > 0 ? [`not kept: ${gaps.map((g) => `${g.path} (${g.problem})`).join(', ')}`] : []),
    ...failed.map((s) => `${s.app} not captured: ${'error' in s ? s.error : ''}`),
  ].join('; ')
  const data = {
    manifest: sha256,
    sha256,
    repositorySnapshot: holder,
    snapshots,
    logs: logs.map(({ path, bytes, sha256 }) => ({ path, bytes, sha256 })),
    gaps,
  }
  await writeIncident(ctx, (w) =>
    w.record({ kind: 'evidence', message: `evidence kept: ${detail}`, data, outcome: failed.length > 0 ? 'failure' : 'success' }),
  )
  return { ok: failed.length === 0, detail, data }
}
