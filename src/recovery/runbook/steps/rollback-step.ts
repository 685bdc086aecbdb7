import type { ResolvedApp } from '../../../config/types.js'
import { formatDuration } from '../../../config-parts/units.js'
import { planAsk } from '../../../approvals/plan-ask.js'
import type { RollbackPlan } from '../../../rollback/plan-rollback.js'
import type { RollbackReport } from '../../../rollback/rollback-report.js'
import { type RunOptions, runRollback } from '../../../rollback/run-rollback.js'
import { appSummary } from '../../record-run.js'
import { recoveryTarget } from '../recovery-target.js'
import { runReason, type StepContext, type StepOutcome, writeIncident } from '../step-context.js'
import { gateRollback, type RestoreAsk, reviewIfFlagged } from '../step-gate.js'

/** One app of a runbook rollback and the components to restore (all when absent). */
export interface RollbackSelection {
  app: ResolvedApp
  components?: string[]
}

/**
 * One rollback run over the selected apps, in recovery-priority order, each to its recovery target
 * (recovery-target.ts). Everything is planned before anything changes, so a missing target or component
 * fails the step with nothing touched. The plan then passes the decision matrix (step-gate.ts): it runs, or
 * the step waits for the approval it asked for. Timeline: rollback.started, rollback.done (and review.opened
 * after a flagged run); messages: rollback_initiated, rollback_complete.
 */
export async function rollbackStep(ctx: StepContext, selection: RollbackSelection[], why: string): Promise<StepOutcome> {
  const restore: RestoreAsk = []
  for (const s of selection) {
    const to = await recoveryTarget(ctx.p, ctx.incident, s.app, s.components)
    restore.push({ app: s.app.name, to, ...(s.components ? { components: s.components } : {}) })
  }
  const plan = await planAsk(ctx.p, { apps: restore.map((r) => r.app), restore }, ctx.signal)
  const gate = await gateRollback(ctx, plan, restore, why)
  if (gate.kind === 'waiting') return gate.outcome
  const report = await runPlanned(ctx, plan, why, gate)
  const review = await reviewIfFlagged(ctx, gate.decision, report)
  const failed = report.apps.filter((a) => a.outcome !== 'restored')
  const detail =
    failed.length === 0
      ? `rollback ${report.run} restored ${report.apps.map((a) => a.app).join(', ')} in ${report.durationMs} ms`
      : `rollback ${report.run} failed: ${failed.map((a) => `${a.app} ${a.outcome}${a.error ? ` (${a.error})` : ''}`).join('; ')}`
  return {
    ok: report.status === 'succeeded',
    detail,
    data: {
      run: report.run,
      status: report.status,
      durationMs: report.durationMs,
      apps: appSummary(report),
      ...(review ? { review: review.id } : {}),
    },
  }
}

/**
 * Runs a plan as part of the incident, with the matrix's decision and what allowed it (step-gate.ts) on its
 * start: timeline entries and messages before and after it.
 */
export async function runPlanned(
  ctx: StepContext,
  plan: RollbackPlan,
  why: string,
  allowed: Pick<RunOptions, 'decision' | 'authority'>,
): Promise<RollbackReport> {
  const components = plan.apps.flatMap((a) => a.components.map((c) => `${a.app.name}/${c.component.name}`))
  const targets = Object.fromEntries(plan.apps.map((a) => [a.app.name, a.target.id]))
  const eta = Math.max(...plan.apps.map((a) => a.app.rollback.timeoutMs))
  const actions = plan.apps
    .map(
      (a) =>
        `- ${a.app.name}: restore ${a.target.id} (${a.components.map((c) => `${c.component.name} ${c.current.version} → ${c.manifest.version}`).join(', ')}), then validate health`,
    )
    .join('\n')
  await writeIncident(ctx, async (w) => {
    await w.record({ kind: 'rollback.started', message: `${why}: restoring ${components.join(', ')}`, data: { targets, components } })
    await w.tell({ kind: 'rollback_initiated', vars: { components: components.join(', '), actions, eta: `within ${formatDuration(eta)}` } })
  })
  const report = await runRollback(ctx.p, plan, {
    reason: runReason(ctx, why),
    actor: ctx.actor,
    decision: allowed.decision,
    authority: allowed.authority,
  })
  const ok = report.status === 'succeeded'
  const restored = report.apps.filter((a) => a.outcome === 'restored')
  await writeIncident(ctx, async (w) => {
    await w.record({
      kind: 'rollback.done',
      outcome: ok ? 'success' : 'failure',
      message: `rollback ${report.run} ${report.status} in ${report.durationMs} ms: ${report.apps.map((a) => `${a.app} ${a.outcome}`).join(', ')}`,
      data: { run: report.run, status: report.status, durationMs: report.durationMs, apps: appSummary(report) },
    })
    await w.tell({
      kind: 'rollback_complete',
      vars: {
        version: report.apps
          .map(
            (a) =>
              `${a.app} ${Object.entries(a.to)
                .map(([c, v]) => `${c}=${v}`)
                .join(' ')}`,
          )
          .join(', '),
        duration: formatDuration(report.durationMs),
        impact: `${restored.length} of ${report.apps.length} apps restored${
          ok
            ? ''
            : `; ${report.apps
                .filter((a) => a.outcome !== 'restored')
                .map((a) => `${a.app} ${a.outcome}`)
                .join(', ')}`
        }`,
        system_status: ok ? 'OPERATIONAL' : 'DEGRADED',
        post_mortem: postMortemDue(ctx.incident.id),
      },
    })
  })
  return report
}

/** The seeds schedule the post-mortem; two days after recovery, with the command that drafts it. */
export function postMortemDue(incident: string): string {
  return `${new Date(Date.now() + 2 * 86_400_000).toISOString().slice(0, 10)} (draft: lastgood incident postmortem ${incident})`
}

/** The data components (`data: true`) of the apps, for restore_data; empty when none is marked. */
export function dataSelection(apps: ResolvedApp[]): RollbackSelection[] {
  return apps.flatMap((app) => {
    const components = app.components.filter((c) => c.data).map((c) => c.name)
    return components.length > 0 ? [{ app, components }] : []
  })
}
