import type { ResolvedApp } from '../../../config/types.js'
import { formatDuration } from '../../../config-parts/units.js'
import { probeHealth } from '../../../health/probe-health.js'
import { factoryFor, providerFactories, providerFor } from '../../../providers/registry.js'
import type { AppReport } from '../../../rollback/rollback-report.js'
import { rollbackApps } from '../../../rollback/rollback-apps.js'
import { providerContext } from '../../../snapshots/create-snapshot.js'
import { requireSnapshot } from '../../../snapshots/snapshot-record.js'
import { recoveryTarget } from '../recovery-target.js'
import { type StepContext, type StepOutcome, writeIncident } from '../step-context.js'
import { postMortemDue } from './rollback-step.js'
import { messageOf } from '../../../core/errors.js'

export interface AppRecovery {
  app: string
  outcome: 'restored' | 'already-healthy' | 'failed'
  target: string | null
  run: string | null
  startedAt: string
  /** When its health was validated (restored) or seen passing (already-healthy); null when it failed. */
  validatedAt: string | null
  endedAt: string
  durationMs: number
  error: string | null
}

/**
 * Recovers every app in scope in recovery-priority order, one rollback run per app, each validated before
 * the next starts. An app that answers its health checks and already runs its target's versions is left
 * alone (already-healthy). Otherwise it is restored to its target even when the versions match: the
 * restore re-runs its components' `restart`, which is what brings a crashed process back. A failed app is
 * recorded and the next one is still recovered; the step fails at the end if any app failed.
 */
export async function recoverStep(ctx: StepContext): Promise<StepOutcome> {
  const names = ctx.apps.map((a) => a.name)
  await writeIncident(ctx, async (w) => {
    await w.record({
      kind: 'rollback.started',
      message: `recovering ${names.join(', ')} in priority order`,
      data: { apps: names, target: ctx.incident.recoveryTarget },
    })
    await w.tell({
      kind: 'rollback_initiated',
      vars: {
        components: names.join(', '),
        actions: names.map((n, i) => `${i + 1}. recover ${n}, validate its health`).join('\n'),
        eta: `within ${formatDuration(ctx.p.config.objectives.rtoMs)} (RTO)`,
      },
    })
  })
  const started = performance.now()
  const results: AppRecovery[] = []
  for (const app of ctx.apps) {
    const r = await recoverApp(ctx, app)
    results.push(r)
    await writeIncident(ctx, (w) =>
      w.record({
        kind: 'recovery.app',
        outcome: r.outcome === 'failed' ? 'failure' : 'success',
        message: `${app.name} ${r.outcome} in ${r.durationMs} ms${r.error ? `: ${r.error}` : ''}`,
        data: { ...r },
      }),
    )
  }
  const failed = results.filter((r) => r.outcome === 'failed')
  const durationMs = Math.round(performance.now() - started)
  await writeIncident(ctx, async (w) => {
    await w.record({
      kind: 'rollback.done',
      outcome: failed.length === 0 ? 'success' : 'failure',
      message: `recovery of ${names.join(', ')} ended in ${durationMs} ms: ${results.map((r) => `${r.app} ${r.outcome}`).join(', ')}`,
      data: { durationMs, apps: results },
    })
    await w.tell({
      kind: 'rollback_complete',
      vars: {
        version: results.map((r) => `${r.app} ${r.target ?? 'none'}`).join(', '),
        duration: formatDuration(durationMs),
        impact: `${results.length - failed.length} of ${results.length} apps healthy${failed.length > 0 ? `; not recovered: ${failed.map((r) => r.app).join(', ')}` : ''}`,
        system_status: failed.length === 0 ? 'OPERATIONAL' : 'DEGRADED',
        post_mortem: postMortemDue(ctx.incident.id),
      },
    })
  })
  const detail =
    failed.length === 0
      ? `recovered ${results.map((r) => `${r.app} (${r.outcome})`).join(', ')} in ${durationMs} ms`
      : `${failed.length} of ${results.length} apps not recovered: ${failed.map((r) => `${r.app}: ${r.error}`).join('; ')}`
  return { ok: failed.length === 0, detail, data: { durationMs, apps: results } }
}

async function recoverApp(ctx: StepContext, app: ResolvedApp): Promise<AppRecovery> {
  const t0 = performance.now()
  const startedAt = new Date().toISOString()
  const done = (r: Pick<AppRecovery, 'outcome' | 'target' | 'run' | 'validatedAt' | 'error'>): AppRecovery => ({
    app: app.name,
    startedAt,
    endedAt: new Date().toISOString(),
    durationMs: Math.round(performance.now() - t0),
    ...r,
  })
  let target: string | null = null
  try {
    target = await recoveryTarget(ctx.p, ctx.incident, app)
    if (await alreadyHealthy(ctx, app, target))
      return done({ outcome: 'already-healthy', target, run: null, validatedAt: new Date().toISOString(), error: null })
    const report = await rollbackApps(ctx.p, {
      apps: [app],
      targets: new Map([[app.name, target]]),
      signal: ctx.signal,
      reason: `incident ${ctx.incident.id} (${ctx.incident.type}): recover ${app.name}`,
      actor: ctx.actor,
    })
    const a = report.apps[0]!
    const validated = report.steps.find((s) => s.app === app.name && s.name === 'validate' && s.status !== 'failed')
    if (a.outcome === 'restored')
      return done({ outcome: 'restored', target, run: report.run, validatedAt: validated?.endedAt ?? report.endedAt, error: null })
    return done({
      outcome: 'failed',
      target,
      run: report.run,
      validatedAt: null,
      error: `${a.outcome}: ${a.error ?? 'unknown error'}${sameVersionHint(app, a)}`,
    })
  } catch (err) {
    return done({ outcome: 'failed', target, run: null, validatedAt: null, error: messageOf(err) })
  }
}

/** Health passes now and every component runs the target's version: nothing to recover. */
async function alreadyHealthy(ctx: StepContext, app: ResolvedApp, targetId: string): Promise<boolean> {
  if (app.health.checks.length === 0) return false
  if ((await probeHealth(app.health, ctx.signal)).state !== 'passed') return false
  const target = await requireSnapshot(ctx.p.state.db, targetId, { app: app.name })
  for (const c of app.components) {
    const now = await providerFor(c).current(c, providerContext(ctx.p, app, c, ctx.signal))
    if (target.components.find((sc) => sc.name === c.name)?.version !== now.version) return false
  }
  return true
}

/**
 * An app that already ran its target's versions and still failed validation is down for a reason the
 * files do not explain (its process died): only a `restart` could have helped, so say which it lacked.
 */
function sameVersionHint(app: ResolvedApp, a: AppReport): string {
  if (Object.entries(a.to).some(([c, v]) => a.from[c] !== v)) return ''
  const restarts = app.components.some((c) => factoryFor(c).restartCommand?.(c) !== undefined)
  const restartable = providerFactories.filter((f) => f.capabilities.restartsAfterRestore).map((f) => f.kind)
  return restarts
    ? '; it already ran the target version, and re-running its restart command did not bring it back'
    : `; it already ran the target version and no component has a \`restart\` command, so nothing could start its process again: give its ${restartable.join(' or ')} component \`restart:\``
}
