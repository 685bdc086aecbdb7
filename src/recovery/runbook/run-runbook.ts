import { userInfo } from 'node:os'
import type { Approval } from '../../approvals/approval.js'
import { actingIdentity } from '../../auth/acting.js'
import { localIdentity } from '../../auth/identity.js'
import type { IncidentType } from '../../config-parts/incident-vocabulary.js'
import type { ResolvedConfig, ResolvedRunbookStep } from '../../config/types.js'
import { redact } from '../../core/redact.js'
import { selectApps } from '../../platform/platform.js'
import type { Platform } from '../../platform/platform.js'
import type { Incident } from '../incident.js'
import { moveStatus } from '../incident-status.js'
import { runbookFor as configuredOrBuiltIn } from './default-runbooks.js'
import { type StepContext, type StepOutcome, stepName, writeIncident } from './step-context.js'
import { breachAssessmentStep } from './steps/breach-assessment-step.js'
import { notifyStep } from './steps/notify-step.js'
import { preserveEvidence } from './steps/preserve-evidence.js'
import { recoverStep } from './steps/recover-step.js'
import { dataSelection, rollbackStep } from './steps/rollback-step.js'
import { runHook } from './steps/run-hook.js'
import { messageOf } from '../../core/errors.js'

export interface RunbookOptions {
  actor: string
  signal?: AbortSignal
  /**
   * Called once when a step with on_failure: stop fails, with why; the caller raises the incident's level. A
   * step waiting for an approval does not call it: the request escalates at its own target time.
   */
  escalate: (reason: string) => Promise<void>
}

export interface StepResult {
  /** 1, 2, 3… in runbook order. */
  index: number
  kind: string
  name: string
  /** waiting: it did not run; the decision matrix wants the approval it asked for (RunbookResult.approval). */
  outcome: 'succeeded' | 'failed' | 'skipped' | 'waiting'
  startedAt: string
  endedAt: string
  detail: string
  data: Record<string, unknown>
}

export interface RunbookResult {
  incident: string
  /**
   * failed: a `continue` step failed and the rest ran; stopped: a `stop` step failed (or the run was cancelled);
   * waiting: a step that rolls back waits for `approval` and the rest were not run (the earlier failures, if
   * any, are in `steps`). Only one step can wait: the runbook stops there.
   */
  outcome: 'succeeded' | 'failed' | 'stopped' | 'waiting'
  steps: StepResult[]
  /** The request a waiting step made: approved, its plan runs (`lastgood approve ID`). */
  approval?: Approval
}

/** Steps that bring apps back: only a runbook with one of them can leave the incident recovered. */
const RECOVERING = new Set<ResolvedRunbookStep['kind']>(['rollback', 'restore_data', 'recover'])

/** The configured runbook of the type, else the built-in one (default-runbooks.ts). */
export function runbookFor(config: ResolvedConfig, type: IncidentType): ResolvedRunbookStep[] {
  return configuredOrBuiltIn(config, type)
}

/**
 * Runs the incident's runbook, step by step, in order. The incident moves declared → mitigating first,
 * and → monitoring when every step succeeded and one of them recovered something (rollback, restore_data,
 * recover): a runbook that only keeps evidence, runs hooks or tells people leaves the recovery to them. Every step is on the timeline (runbook.step, with its outcome
 * and facts) and so in the audit chain. A failed step is told to the audience (runbook_step_failed); with
 * on_failure `continue` the next step runs, with `stop` the rest are skipped and `opts.escalate` is called.
 * A step that rolls back where the decision matrix wants an approval waits (step-gate.ts): the rest are not
 * run, the incident stays mitigating, and nothing escalates here. Steps never throw out of here: an error is
 * that step's failure.
 */
export async function runRunbook(p: Platform, incident: Incident, opts: RunbookOptions): Promise<RunbookResult> {
  const steps = runbookFor(p.config, incident.type)
  const ctx: StepContext = {
    p,
    incident,
    apps: [],
    actor: opts.actor,
    // Whoever declared, as authenticated (a drill or a direct call: the command line as `actor`).
    identity: actingIdentity() ?? localIdentity(opts.actor, userInfo().username),
    signal: opts.signal ?? new AbortController().signal,
    steps,
  }
  await writeIncident(ctx, async (w) => {
    await moveStatus(w.tx, ctx.incident, 'mitigating', opts.actor, `runbook ${incident.type} started`)
    await w.record({
      kind: 'runbook.started',
      message: `runbook ${incident.type}: ${steps.map(stepName).join(', ') || '(no steps)'}`,
      data: { type: incident.type, configured: p.config.runbooks[incident.type] !== undefined, steps: steps.map(stepName) },
    })
  })
  const results: StepResult[] = []
  let outcome: RunbookResult['outcome'] = 'succeeded'
  let approval: Approval | undefined
  for (const [i, step] of steps.entries()) {
    const index = i + 1
    const name = stepName(step)
    if (outcome === 'stopped' || approval) {
      const at = new Date().toISOString()
      results.push({
        index,
        kind: step.kind,
        name,
        outcome: 'skipped',
        startedAt: at,
        endedAt: at,
        detail: approval ? `not run: the runbook waits for approval ${approval.id}` : 'not run: the runbook stopped',
        data: {},
      })
      continue
    }
    const startedAt = new Date().toISOString()
    const r: StepOutcome = ctx.signal.aborted ? { ok: false, detail: 'cancelled before it started', data: {} } : await runStep(ctx, step)
    approval = r.waiting
    const result: StepResult = {
      index,
      kind: step.kind,
      name,
      outcome: r.waiting ? 'waiting' : r.ok ? 'succeeded' : 'failed',
      startedAt,
      endedAt: new Date().toISOString(),
      detail: redact(r.detail),
      data: r.data,
    }
    results.push(result)
    const failed = !r.ok && !r.waiting
    const stop = failed && (step.onFailure === 'stop' || ctx.signal.aborted)
    await writeIncident(ctx, async (w) => {
      await w.record({
        kind: 'runbook.step',
        outcome: r.waiting ? 'refused' : r.ok ? 'success' : 'failure',
        message: `step ${index} ${name} ${result.outcome}: ${result.detail}`,
        data: {
          index,
          step: name,
          kind: step.kind,
          outcome: result.outcome,
          startedAt,
          endedAt: result.endedAt,
          onFailure: step.onFailure,
          ...r.data,
        },
      })
      if (failed) {
        await w.tell({
          kind: 'runbook_step_failed',
          vars: {
            step: `${index} ${name}`,
            error: result.detail,
            actions: stop ? 'the runbook stopped; the incident is escalated' : 'the runbook goes on with the next step',
          },
        })
      }
    })
    if (r.waiting) outcome = 'waiting'
    else if (failed) outcome = stop ? 'stopped' : 'failed'
    if (stop) await opts.escalate(`runbook step ${index} ${name} failed: ${result.detail}`)
  }
  await writeIncident(ctx, async (w) => {
    await w.record({
      kind: 'runbook.finished',
      outcome: outcome === 'succeeded' ? 'success' : outcome === 'waiting' ? 'refused' : 'failure',
      message: `runbook ${incident.type} ${outcome}${approval ? ` for approval ${approval.id}` : ''}: ${results.map((s) => `${s.name} ${s.outcome}`).join(', ')}`,
      data: {
        outcome,
        steps: results.map((s) => ({ index: s.index, step: s.name, outcome: s.outcome })),
        ...(approval ? { approval: approval.id } : {}),
      },
    })
    if (
      outcome !== 'succeeded' ||
      !steps.some((x) => RECOVERING.has(x.kind)) ||
      !(await moveStatus(w.tx, ctx.incident, 'monitoring', opts.actor, `runbook ${incident.type} succeeded`))
    )
      return
    // Everyone told hears that it is recovered and watched; on PagerDuty this acknowledges the alert.
    await w.tell({
      kind: 'status_update',
      vars: {
        actions: results.map((s) => `- ${s.name}: ${s.outcome}`).join('\n'),
        eta: 'recovered; monitoring until resolved',
      },
    })
  })
  return { incident: incident.id, outcome, steps: results, ...(approval ? { approval } : {}) }
}

async function runStep(ctx: StepContext, step: ResolvedRunbookStep): Promise<StepOutcome> {
  try {
    ctx.apps = selectApps(ctx.p.config, ctx.incident.scope)
    switch (step.kind) {
      case 'preserve_evidence':
        return await preserveEvidence(ctx, step.logs)
      case 'hook':
        return await runHook(ctx, step)
      case 'notify':
        return await notifyStep(ctx, step.channels)
      case 'breach_assessment':
        return await breachAssessmentStep(ctx, step)
      case 'rollback':
        return await rollbackStep(
          ctx,
          ctx.apps.map((app) => ({ app, ...(step.components ? { components: step.components } : {}) })),
          'rollback',
        )
      case 'restore_data': {
        const selection = dataSelection(ctx.apps)
        if (selection.length === 0) {
          return {
            ok: false,
            detail: `no app in scope (${ctx.apps.map((a) => a.name).join(', ')}) has a data component: mark the component that holds its data \`data: true\` in lastgood.yaml`,
            data: {},
          }
        }
        return await rollbackStep(ctx, selection, 'restore data')
      }
      case 'recover':
        return await recoverStep(ctx)
    }
  } catch (err) {
    return { ok: false, detail: messageOf(err), data: {} }
  }
}
