import type { ResolvedApp } from '../../../config/types.js'
import { formatDuration } from '../../../config-parts/units.js'
import { probeHealth } from '../../../health/probe-health.js'
import { factoryFor, providerFactories, providerFor } from '../../../providers/registry.js'
import { planAsk } from '../../../approvals/plan-ask.js'
import type { RollbackPlan } from '../../../rollback/plan-rollback.js'
import type { AppReport, RollbackReport } from '../../../rollback/rollback-report.js'
import { runRollback } from '../../../rollback/run-rollback.js'
import { providerContext } from '../../../snapshots/create-snapshot.js'
import { requireSnapshot } from '../../../snapshots/snapshot-record.js'
import { recoveryTarget } from '../recovery-target.js'
import { runReason, type StepContext, type StepOutcome, writeIncident } from '../step-context.js'
import { gateRollback, reviewIfFlagged, type StepGate } from '../step-gate.js'
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

/** An app to restore: its target and plan. */
interface Planned {
  app: ResolvedApp
  target: string
  plan: RollbackPlan
}
/** An app as the step found it: to restore, or its recovery already settled (already-healthy, or failed). */
type Assessed = Planned | { settled: AppRecovery }

/**
 * Recovers every app in scope in recovery-priority order, one rollback run per app, each validated before
 * the next starts. An app that answers its health checks and already runs its target's versions is left
 * alone (already-healthy). Otherwise it is restored to its target even when the versions match: the
 * restore re-runs its components' `restart`, which is what brings a crashed process back. Every app is
 * planned before the first changes, and the apps to restore pass the decision matrix as one plan
 * (step-gate.ts): where it wants an approval the step waits for that one request, whose approved run restores
 * them together. A failed app is recorded and the next one is still recovered; the step fails at the end if
 * any app failed.
 */
export async function recoverStep(ctx: StepContext): Promise<StepOutcome> {
  const names = ctx.apps.map((a) => a.name)
  const started = performance.now()
  const assessed: Assessed[] = []
  for (const app of ctx.apps) assessed.push(await assessApp(ctx, app))
  const planned = assessed.filter((a): a is Planned => 'plan' in a)
  let allowed: Extract<StepGate, { kind: 'run' }> | undefined
  if (planned.length > 0) {
    const plan: RollbackPlan = { apps: planned.flatMap((a) => a.plan.apps) }
    const restore = planned.map((a) => ({ app: a.app.name, to: a.target }))
    const gate = await gateRollback(ctx, plan, restore, `recover ${restore.map((r) => r.app).join(', ')}`)
    if (gate.kind === 'waiting') {
      // What was found stays on the record: the approved run restores only the apps it planned.
      for (const a of assessed) if ('settled' in a) await recordApp(ctx, a.settled)
      return gate.outcome
    }
    allowed = gate
  }
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
  const results: AppRecovery[] = []
  for (const a of assessed) {
    const r = 'plan' in a ? await restoreApp(ctx, a, allowed!) : a.settled
    results.push(r)
    await recordApp(ctx, r)
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

function recordApp(ctx: StepContext, r: AppRecovery) {
  return writeIncident(ctx, (w) =>
    w.record({
      kind: 'recovery.app',
      outcome: r.outcome === 'failed' ? 'failure' : 'success',
      message: `${r.app} ${r.outcome} in ${r.durationMs} ms${r.error ? `: ${r.error}` : ''}`,
      data: { ...r },
    }),
  )
}

/** Times one app's recovery from now; `done` completes its record. */
function clockFor(app: ResolvedApp) {
  const t0 = performance.now()
  const startedAt = new Date().toISOString()
  return (r: Pick<AppRecovery, 'outcome' | 'target' | 'run' | 'validatedAt' | 'error'>): AppRecovery => ({
    app: app.name,
    startedAt,
    endedAt: new Date().toISOString(),
    durationMs: Math.round(performance.now() - t0),
    ...r,
  })
}

/** Its target, whether it is already healthy on it, and otherwise its plan; any error fails the app alone. */
async function assessApp(ctx: StepContext, app: ResolvedApp): Promise<Assessed> {
  const done = clockFor(app)
  let target: string | null = null
  try {
    target = await recoveryTarget(ctx.p, ctx.incident, app)
    if (await alreadyHealthy(ctx, app, target))
      return { settled: done({ outcome: 'already-healthy', target, run: null, validatedAt: new Date().toISOString(), error: null }) }
    const plan = await planAsk(ctx.p, { apps: [app.name], restore: [{ app: app.name, to: target }] }, ctx.signal)
    return { app, target, plan }
  } catch (err) {
    return { settled: done({ outcome: 'failed', target, run: null, validatedAt: null, error: messageOf(err) }) }
  }
}

/** Runs one app's plan as the gate allowed it; a run of the flagged row is reviewed. */
async function restoreApp(ctx: StepContext, a: Planned, allowed: Extract<StepGate, { kind: 'run' }>): Promise<AppRecovery> {
  const { app, target } = a
  const done = clockFor(app)
  let report: RollbackReport
  try {
    report = await runRollback(ctx.p, a.plan, {
      reason: runReason(ctx, `recover ${app.name}`),
      actor: ctx.actor,
      decision: allowed.decision,
      authority: allowed.authority,
    })
  } catch (err) {
    return done({ outcome: 'failed', target, run: null, validatedAt: null, error: messageOf(err) })
  }
  await reviewIfFlagged(ctx, allowed.decision, report)
  const r = report.apps[0]!
  const validated = report.steps.find((s) => s.app === app.name && s.name === 'validate' && s.status !== 'failed')
  if (r.outcome === 'restored')
    return done({ outcome: 'restored', target, run: report.run, validatedAt: validated?.endedAt ?? report.endedAt, error: null })
  return done({
    outcome: 'failed',
    target,
    run: report.run,
    validatedAt: null,
    error: `${r.outcome}: ${r.error ?? 'unknown error'}${sameVersionHint(app, r)}`,
  })
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
