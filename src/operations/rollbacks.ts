import { z } from 'zod'
import { appendAuditIn } from '../audit/audit-log.js'
import type { Approval, RollbackAsk } from '../approvals/approval.js'
import type { Review } from '../approvals/reviews.js'
import { refuseWithoutReason } from '../approvals/break-glass.js'
import { requestOrProceed, reviewFlaggedRun } from '../approvals/gate.js'
import { planForm, planHash } from '../approvals/plan-hash.js'
import { can } from '../auth/can.js'
import type { Identity } from '../auth/identity.js'
import { type Scenario, SCENARIOS } from '../config-parts/decision-vocabulary.js'
import { RefusedError, requireReason, UserError } from '../core/errors.js'
import type { Decision } from '../decisions/decide.js'
import type { ActionSource } from '../decisions/scenario.js'
import { findPendingRollback, type PendingRollback, resolvePendingRollback } from '../monitor/monitor-store.js'
import { type Platform, selectApps } from '../platform/platform.js'
import type { StateDb } from '../state/open-state.js'
import { recordRunOnIncidents } from '../recovery/record-run.js'
import { abandonRun } from '../rollback/abandon-run.js'
import { type PlanDocument, planDocument, type ResumeDocument, resumeDocument } from '../rollback/plan-document.js'
import { decidePlan } from '../rollback/plan-decision.js'
import { planResume, type ResumePlan } from '../rollback/plan-resume.js'
import { planRollback, type RollbackPlan } from '../rollback/plan-rollback.js'
import type { RollbackReport } from '../rollback/rollback-report.js'
import { resumeRollback, runRollback } from '../rollback/run-rollback.js'
import { describeSuperseded, supersedeRun } from '../rollback/supersede-run.js'
import { flagInput, listInput, reasonInput } from './input-fields.js'
import { type OperationContext, type Outcome, operation } from './operation.js'
import { whoActs } from './who-acts.js'

const scenarioInput = z
  .enum(SCENARIOS, { error: `expected one of ${SCENARIOS.join(', ')}` })
  .optional()
  .describe("The decision matrix's row (default partial_functionality_loss; a pending proposal: its trigger's).")

const targetFields = {
  app: listInput(z.string()).describe('Apps to roll back, or "all".'),
  to: z.string().optional().describe('Restore this snapshot (one app) or platform snapshot ps-… instead of the last known good.'),
  component: listInput(z.string()).describe('Restore only these components.'),
  scenario: scenarioInput,
}

/**
 * What every rollback operation answers, and the CLI prints with --json: the plan and the matrix's decision;
 * a dry run's planHash; the approval request it became, or the run's report with what allowed it (a grant's
 * fields: breakGlass, grant, grantExpiresAt) and the review a flagged run opened.
 */
export interface RollbackDocument {
  [authority: string]: unknown
  dryRun?: boolean
  plan: PlanDocument[]
  decision?: Decision
  planHash?: string
  pending?: PendingRollback & { status: string }
  resume?: ResumeDocument
  approval?: Approval
  review?: Review
  report?: RollbackReport
}

/** A rollback someone asks for, before the gate: the plan, what the matrix says of it, and what an approval binds. */
interface Proposal {
  plan: RollbackPlan
  decision: Decision
  ask: RollbackAsk
  /** The result document's fields that describe it (a dry run's, a request's and a run's alike). */
  doc: RollbackDocument
}

const untouched = () => new AbortController().signal

async function proposeRollback(
  p: Platform,
  input: { app: string[]; to?: string; component: string[]; scenario?: Scenario },
): Promise<Proposal> {
  if (input.app.length === 0) throw new UserError('name the apps to roll back (or all), or --resume RUN / --abandon RUN / --pending ID')
  const plan = await planRollback(p, {
    apps: selectApps(p.config, input.app),
    ...(input.to ? { to: input.to } : {}),
    ...(input.component.length > 0 ? { components: input.component } : {}),
    signal: untouched(),
  })
  const decision = decidePlan(p.config, plan, { by: 'person', ...(input.scenario ? { scenario: input.scenario } : {}) })
  const ask: RollbackAsk = {
    apps: plan.apps.map((a) => a.app.name),
    ...(input.to ? { to: input.to } : {}),
    ...(input.component.length > 0 ? { components: input.component } : {}),
    ...(input.scenario ? { scenario: input.scenario } : {}),
  }
  return { plan, decision, ask, doc: { plan: planDocument(plan), decision } }
}

/** An alert trigger's proposal, as proposed: its app and target, its trigger's scenario unless one is named. */
async function proposePending(p: Platform, id: string, scenario: Scenario | undefined): Promise<Proposal & { pending: PendingRollback }> {
  const pending = await requirePending(p.state.db, id)
  const plan = await planRollback(p, {
    apps: selectApps(p.config, [pending.app]),
    ...(pending.target ? { to: pending.target } : {}),
    signal: untouched(),
  })
  const decision = decidePlan(p.config, plan, pendingSource(p, pending, scenario))
  const ask: RollbackAsk = { apps: [pending.app], ...(pending.target ? { to: pending.target } : {}), scenario: decision.scenario }
  return { plan, decision, ask, pending, doc: { pending, plan: planDocument(plan), decision } }
}

/** An alert trigger's proposal still waiting for a person: run or dismissed, it is refused (exit 2). */
async function requirePending(db: StateDb, id: string): Promise<PendingRollback & { status: string }> {
  const pending = await findPendingRollback(db, id)
  if (!pending) throw new UserError(`no pending rollback "${id}"; \`lastgood status\` lists the open ones`)
  if (pending.status !== 'pending') throw new UserError(`pending rollback ${id} is already ${pending.status}; nothing to do`)
  return pending
}

/** An alert's proposal is its trigger's action, unless the person names a scenario (or the trigger is gone since). */
function pendingSource(p: Platform, pending: { app: string; trigger: string }, scenario: Scenario | undefined): ActionSource {
  if (scenario) return { by: 'person', scenario }
  const trigger = p.config.apps.find((a) => a.name === pending.app)?.triggers.find((t) => t.name === pending.trigger)
  return trigger ? { by: 'trigger', trigger } : { by: 'person' }
}

/** A resume's plan, refused (exit 3) when finishing it would revert a release deployed since it stopped. */
async function planResumable(p: Platform, run: string, close?: { reason: string; actor: string }): Promise<ResumePlan> {
  const r = await planResume(p, run, untouched())
  if (r.superseded.length === 0) return r
  if (!close)
    throw new RefusedError(
      `rollback ${run} is superseded: ${describeSuperseded(r.superseded)}; a resume would restore nothing and close it (dry run: nothing was changed)`,
    )
  const closed = await supersedeRun(p, r, close)
  throw new RefusedError(
    `${closed.message}. The run is closed; if what runs now is bad, roll back afresh: \`lastgood rollback ${closed.apps.join(' ')} --reason "<why>"\``,
  )
}

/** What a person confirms: the plan a preview showed, so the run refuses one that changed in between. */
const hashOf = (plan: RollbackPlan) => planHash(planForm(plan))

export const rollbackPreviewOperation = operation({
  name: 'rollback.preview',
  summary: 'What a rollback (or a resume, or a pending proposal) would do, and what the decision matrix says of it; changes nothing',
  method: 'GET',
  path: '/rollbacks/preview',
  permission: 'read',
  readOnly: false,
  input: z.object({
    ...targetFields,
    resume: z.string().optional().describe('Preview finishing this unfinished run.'),
    pending: z.string().optional().describe('Preview running this pending proposal.'),
  }),
  async run(p, input): Promise<Outcome<RollbackDocument>> {
    if (input.resume) {
      const r = await planResumable(p, input.resume)
      return { result: { dryRun: true, resume: resumeDocument(r), plan: planDocument(r.plan) }, exitCode: 0 }
    }
    const proposal = input.pending ? await proposePending(p, input.pending, input.scenario) : await proposeRollback(p, input)
    return { result: { dryRun: true, ...proposal.doc, planHash: hashOf(proposal.plan) }, exitCode: 0 }
  },
})

const runFields = {
  reason: z.string().optional().describe('Why (required; recorded in the audit trail). A pending proposal: its own by default.'),
  breakGlass: flagInput().describe('Emergency access: run now under a grant of 1 h instead of asking for the approval the matrix wants.'),
  planHash: z.string().optional().describe("The preview's planHash a person confirmed: refused (exit 3) when the plan differs by now."),
}

export const rollbackRunOperation = operation({
  name: 'rollback.run',
  summary: 'Roll apps back: at once, or as an approval request where the decision matrix asks for one (exit 3, its id)',
  method: 'POST',
  path: '/rollbacks',
  permission: 'rollback',
  readOnly: false,
  stoppable: true,
  long: true,
  input: z.object({ ...targetFields, ...runFields }),
  async run(p, input, ctx) {
    const identity = whoActs(ctx)
    if (input.breakGlass && !input.reason?.trim())
      await refuseWithoutReason(
        p,
        identity,
        selectApps(p.config, input.app).map((a) => a.name),
      )
    const reason = requireReason(input.reason, 'rollback')
    return gatedRun(p, ctx, identity, await proposeRollback(p, input), { ...input, reason })
  },
})

export const pendingRollbackRunOperation = operation({
  name: 'rollback.pending',
  summary: "Run the rollback an alert trigger proposed (its app, target and reason), through the decision matrix's gate",
  method: 'POST',
  path: '/pending-rollbacks/:id/run',
  permission: 'rollback',
  readOnly: false,
  stoppable: true,
  long: true,
  input: z.object({ id: z.string().min(1).describe('Pending rollback id.'), scenario: scenarioInput, ...runFields }),
  async run(p, input, ctx) {
    const identity = whoActs(ctx)
    const proposal = await proposePending(p, input.id, input.scenario)
    if (input.breakGlass && !input.reason?.trim()) await refuseWithoutReason(p, identity, [proposal.pending.app])
    const reason = input.reason?.trim() || `pending ${input.id}: ${proposal.pending.reason}`
    return gatedRun(p, ctx, identity, proposal, {
      ...input,
      reason,
      done: (doc) => ({ ...doc, pending: { ...proposal.pending, status: 'done' } }),
      after: (report) => p.state.writeTransaction((tx) => resolvePendingRollback(tx, input.id, ctx.actor, report.run, 'done')),
    })
  },
})

export const pendingRollbackDismissOperation = operation({
  name: 'rollback.dismiss',
  summary: 'Dismiss the rollback an alert trigger proposed: nothing is restored, the proposal is closed',
  method: 'POST',
  path: '/pending-rollbacks/:id/dismiss',
  permission: 'rollback',
  readOnly: false,
  input: z.object({ id: z.string().min(1).describe('Pending rollback id.'), reason: reasonInput('rollback') }),
  async run(p, input, ctx) {
    // Read again in the transaction that closes it: a proposal run or dismissed meanwhile is not closed twice.
    const pending = await p.state.writeTransaction(async (tx) => {
      const found = await requirePending(tx, input.id)
      await resolvePendingRollback(tx, input.id, ctx.actor, null, 'dismissed')
      await appendAuditIn(tx, {
        actor: ctx.actor,
        action: 'rollback.pending.dismissed',
        target: found.app,
        reason: input.reason,
        outcome: 'success',
        details: { pending: input.id, trigger: found.trigger, proposed: found.reason },
      })
      return found
    })
    return { result: { dismissed: { ...pending, status: 'dismissed' } }, exitCode: 0 }
  },
})

export const rollbackResumeOperation = operation({
  name: 'rollback.resume',
  summary: 'Finish a rollback that did not finish, as it was planned, under the same run id',
  method: 'POST',
  path: '/rollbacks/:run/resume',
  permission: 'rollback',
  readOnly: false,
  stoppable: true,
  long: true,
  input: z.object({ run: z.string().min(1).describe('Rollback run id.'), reason: reasonInput('rollback') }),
  async run(p, input, ctx): Promise<Outcome<RollbackDocument>> {
    const who = { reason: input.reason, actor: ctx.actor }
    const r = await planResumable(p, input.run, who)
    const report = await resumeRollback(p, r, { ...who, stop: ctx.signal })
    await recordRunOnIncidents(p, report)
    return {
      result: { resume: resumeDocument(r), plan: planDocument(r.plan), report },
      exitCode: report.status === 'succeeded' ? 0 : 1,
    }
  },
})

export const rollbackAbandonOperation = operation({
  name: 'rollback.abandon',
  summary: 'Give up a rollback that did not finish: nothing is restored, its apps stay as it left them',
  method: 'POST',
  path: '/rollbacks/:run/abandon',
  permission: 'rollback',
  readOnly: false,
  input: z.object({ run: z.string().min(1).describe('Rollback run id.'), reason: reasonInput('rollback') }),
  async run(p, input, ctx) {
    return { result: { abandoned: await abandonRun(p, input.run, { reason: input.reason, actor: ctx.actor }) }, exitCode: 0 }
  },
})

/**
 * A planned rollback through the approval gate: where the matrix wants an approval (and no grant covers it)
 * it becomes a request (exit 3, the request in the result); otherwise it runs with what allowed it (a grant)
 * on its start, every open incident of its apps records it, and a flagged run opens its review.
 */
async function gatedRun(
  p: Platform,
  ctx: OperationContext,
  identity: Identity,
  proposal: Proposal,
  opts: {
    reason: string
    breakGlass: boolean
    planHash?: string | undefined
    /** The result document once it ran (a pending proposal is done by then). */
    done?: (doc: RollbackDocument) => RollbackDocument
    after?: (report: RollbackReport) => Promise<void>
  },
): Promise<Outcome<RollbackDocument>> {
  const { plan, decision, ask, doc } = proposal
  if (opts.planHash !== undefined && opts.planHash !== hashOf(plan))
    throw new RefusedError(
      'the plan changed since it was shown (a deploy or a new snapshot in between); nothing was changed: look at it again and confirm afresh',
    )
  const runsNow = opts.breakGlass || !decision.approval.required
  if (runsNow) refuseDataWithout(identity, p, plan)
  const gate = await requestOrProceed(p, identity, { plan, decision, ask, reason: opts.reason, breakGlass: opts.breakGlass })
  if (gate.kind === 'requested') return { result: { ...doc, approval: gate.approval }, exitCode: 3 }
  // Under a grant opened earlier, for another plan: the grant is emergency access, not the right to restore data.
  if (!runsNow) refuseDataWithout(identity, p, plan)
  const report = await runRollback(p, plan, {
    reason: opts.reason,
    actor: ctx.actor,
    stop: ctx.signal,
    decision,
    authority: gate.authority,
  })
  await opts.after?.(report)
  const review = (await reviewFlaggedRun(p, identity, decision, report)) ?? gate.review
  await recordRunOnIncidents(p, report)
  return {
    result: { ...(opts.done?.(doc) ?? doc), ...gate.authority, ...(review ? { review } : {}), report },
    exitCode: report.status === 'succeeded' ? 0 : 1,
  }
}

/**
 * Restoring a data component loses every write since its snapshot: whoever makes it run at once (without an
 * approval by a holder of approve:data_corruption) needs rollback-data (the dba role), not only rollback.
 */
function refuseDataWithout(identity: Identity, p: Platform, plan: RollbackPlan): void {
  const data = plan.apps.flatMap((a) =>
    a.components.filter((c) => c.component.data === true).map((c) => `${a.app.name}/${c.component.name}`),
  )
  if (data.length === 0 || can(identity, 'rollback-data', p.config)) return
  throw new RefusedError(
    `this rollback restores data (${data.join(', ')}) and ${identity.subject} lacks the rollback-data permission: ask a holder of it (the dba role), or configure the decision matrix so a data_corruption rollback is approved; nothing was changed`,
  )
}
