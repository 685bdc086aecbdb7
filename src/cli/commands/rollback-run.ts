import { userInfo } from 'node:os'
import type { Command } from 'commander'
import type { RollbackAsk } from '../../approvals/approval.js'
import { refuseWithoutReason } from '../../approvals/break-glass.js'
import { type GatedAction, requestOrProceed, reviewFlaggedRun } from '../../approvals/gate.js'
import type { Review } from '../../approvals/reviews.js'
import { localIdentity } from '../../auth/identity.js'
import type { RollbackReport } from '../../rollback/rollback-report.js'
import { renderRequested } from '../render-approval.js'
import { RefusedError, UserError } from '../../core/errors.js'
import { type Platform, selectApps } from '../../platform/platform.js'
import { findPendingRollback, resolvePendingRollback } from '../../monitor/monitor-store.js'
import { abandonRun } from '../../rollback/abandon-run.js'
import { planResume } from '../../rollback/plan-resume.js'
import { planRollback } from '../../rollback/plan-rollback.js'
import { decidePlan } from '../../rollback/plan-decision.js'
import type { Scenario } from '../../config-parts/decision-vocabulary.js'
import type { ActionSource } from '../../decisions/scenario.js'
import { resumeRollback, runRollback } from '../../rollback/run-rollback.js'
import { describeSuperseded, supersedeRun } from '../../rollback/supersede-run.js'
import { confirmOrRefuse, runConfirmed } from '../confirmed-run.js'
import { type GlobalOptions, globals, requireReason } from '../global-options.js'
import { localActor } from '../local-identity.js'
import { printJson, println } from '../output.js'
import { planJson, renderPlan, renderResume } from '../render-rollback.js'
import { withPlatform } from '../with-platform.js'
import { untilStopped } from '../stop-signal.js'

interface RollbackOptions {
  reason?: string
  to?: string
  component?: string[]
  resume?: string
  abandon?: string
  pending?: string
  scenario?: Scenario
  breakGlass: boolean
  dryRun: boolean
  yes: boolean
}

export async function rollbackAction(apps: string[], opts: RollbackOptions, cmd: Command): Promise<number> {
  const g = globals(cmd)
  const existing = opts.resume ?? opts.abandon
  if ([opts.resume, opts.abandon, opts.pending].filter(Boolean).length > 1)
    throw new UserError('--resume, --abandon and --pending exclude each other')
  if (opts.pending) {
    if (apps.length > 0 || opts.to || opts.component)
      throw new UserError(`--pending ${opts.pending} takes no apps, --to or --component: the proposal names them`)
    const pending = opts.pending
    return untilStopped((stop) => withPlatform(g, async (p) => runPending(p, g, pending, opts, { actor: await actorIn(g, p), stop })))
  }
  if (opts.breakGlass && (existing || opts.dryRun))
    throw new UserError('--break-glass is for a rollback that runs now: not with --resume, --abandon or --dry-run')
  if (existing && opts.scenario)
    throw new UserError(`--scenario is for a new rollback or --pending: --${opts.resume ? 'resume' : 'abandon'} keeps the run's own`)
  if (existing && (apps.length > 0 || opts.to || opts.component)) {
    throw new UserError(
      `--${opts.resume ? 'resume' : 'abandon'} ${existing} takes no apps, --to or --component: the run's recorded plan decides`,
    )
  }
  if (!existing && apps.length === 0)
    throw new UserError('name the apps to roll back (or all), or --resume RUN / --abandon RUN / --pending ID')
  if (opts.breakGlass && !opts.reason?.trim()) {
    // Asking for emergency access without a reason is itself recorded, then refused as bad input (exit 2).
    return withPlatform(g, async (p) =>
      refuseWithoutReason(
        p,
        localIdentity(await actorIn(g, p), userInfo().username),
        selectApps(p.config, apps).map((a) => a.name),
      ),
    )
  }
  const reason = requireReason(opts.reason, 'rollback')
  return untilStopped((stop) =>
    withPlatform(g, async (p) => rollbackCommand(p, g, apps, opts, { reason, actor: await actorIn(g, p), stop })),
  )
}

/**
 * Who rolls back: under an `auth` block the OS user (--as is refused, exit 2); its permissions are the
 * decision matrix's and break-glass's to check (approvals/gate.ts), which audit a refusal.
 */
async function actorIn(g: GlobalOptions, p: Platform): Promise<string> {
  return (await localActor(g, p.config, p.state.db, { permission: 'read', changes: true })).subject
}

async function rollbackCommand(
  p: Platform,
  g: GlobalOptions,
  apps: string[],
  opts: RollbackOptions,
  who: { reason: string; actor: string; stop: AbortSignal },
): Promise<number> {
  const { reason, actor } = who
  if (opts.resume) return resume(p, g, opts.resume, opts, who)
  if (opts.abandon) return abandon(p, g, opts.abandon, opts, { reason, actor })
  const plan = await planRollback(p, {
    apps: selectApps(p.config, apps),
    ...(opts.to ? { to: opts.to } : {}),
    ...(opts.component ? { components: opts.component } : {}),
    signal: new AbortController().signal,
  })
  const decision = decidePlan(p.config, plan, { by: 'person', ...(opts.scenario ? { scenario: opts.scenario } : {}) })
  const ask: RollbackAsk = {
    apps: plan.apps.map((a) => a.app.name),
    ...(opts.to ? { to: opts.to } : {}),
    ...(opts.component ? { components: opts.component } : {}),
    ...(opts.scenario ? { scenario: opts.scenario } : {}),
  }
  return gatedRun(p, g, opts, { plan, decision, ask, reason }, { ...who, json: () => ({ plan: planJson(plan), decision }) })
}

/**
 * A planned rollback through the approval gate: a dry run only shows it; where the matrix wants an approval
 * (and no grant covers it) it becomes a request and the command exits 3 naming it; otherwise it runs as
 * runConfirmed does, with what allowed it (a grant) on its start, and a flagged run opens its review.
 */
async function gatedRun(
  p: Platform,
  g: GlobalOptions,
  opts: RollbackOptions,
  action: Omit<GatedAction, 'breakGlass'>,
  who: {
    actor: string
    stop: AbortSignal
    json: (ran: boolean) => Record<string, unknown>
    after?: (report: RollbackReport) => Promise<void>
  },
): Promise<number> {
  const { plan, decision, reason } = action
  const shown = renderPlan(plan, decision)
  const identity = localIdentity(who.actor, userInfo().username)
  // A dry run changes nothing, so it neither asks for an approval nor breaks the glass.
  const gate = opts.dryRun ? undefined : await requestOrProceed(p, identity, { ...action, breakGlass: opts.breakGlass })
  if (gate?.kind === 'requested') {
    if (g.json) printJson({ ...who.json(false), approval: gate.approval })
    else println(`${shown}\n\n${renderRequested(gate.approval)}`)
    return 3
  }
  const authority = gate?.authority ?? {}
  let review: Review | undefined = gate?.review
  return runConfirmed(p, g, opts, {
    shown,
    question: 'roll back now?',
    json: (ran) => ({ ...who.json(ran), ...authority, ...(review ? { review } : {}) }),
    run: async () => {
      const report = await runRollback(p, plan, { reason, actor: who.actor, stop: who.stop, decision, authority })
      await who.after?.(report)
      review = (await reviewFlaggedRun(p, identity, decision, report)) ?? review
      if (review && !g.json)
        println(
          `review ${review.id} opened (${review.kind}): another holder of "review" closes it with \`lastgood review close ${review.id} --note "..."\``,
        )
      return report
    },
  })
}

/** An alert trigger's proposal, run as proposed: its app and target, its reason unless --reason is given. */
async function runPending(
  p: Platform,
  g: GlobalOptions,
  id: string,
  opts: RollbackOptions,
  who: { actor: string; stop: AbortSignal },
): Promise<number> {
  const { actor } = who
  const pending = await findPendingRollback(p.state.db, id)
  if (!pending) throw new UserError(`no pending rollback "${id}"; \`lastgood status\` lists the open ones`)
  if (pending.status !== 'pending') throw new UserError(`pending rollback ${id} is already ${pending.status}; nothing to run`)
  const reason = opts.reason?.trim() || `pending ${id}: ${pending.reason}`
  const plan = await planRollback(p, {
    apps: selectApps(p.config, [pending.app]),
    ...(pending.target ? { to: pending.target } : {}),
    signal: new AbortController().signal,
  })
  const decision = decidePlan(p.config, plan, pendingSource(p, pending, opts.scenario))
  const ask: RollbackAsk = { apps: [pending.app], ...(pending.target ? { to: pending.target } : {}), scenario: decision.scenario }
  return gatedRun(
    p,
    g,
    opts,
    { plan, decision, ask, reason },
    {
      actor,
      stop: who.stop,
      json: (ran) => ({ pending: ran ? { ...pending, status: 'done' } : pending, plan: planJson(plan), decision }),
      after: (report) => p.state.writeTransaction((tx) => resolvePendingRollback(tx, id, actor, report.run, 'done')),
    },
  )
}

/** An alert's proposal is its trigger's action, unless the person names a scenario (or the trigger is gone since). */
function pendingSource(p: Platform, pending: { app: string; trigger: string }, scenario: Scenario | undefined): ActionSource {
  if (scenario) return { by: 'person', scenario }
  const trigger = p.config.apps.find((a) => a.name === pending.app)?.triggers.find((t) => t.name === pending.trigger)
  return trigger ? { by: 'trigger', trigger } : { by: 'person' }
}

async function resume(
  p: Platform,
  g: GlobalOptions,
  runId: string,
  opts: RollbackOptions,
  who: { reason: string; actor: string; stop: AbortSignal },
): Promise<number> {
  const r = await planResume(p, runId, new AbortController().signal)
  if (r.superseded.length > 0) {
    // Finishing it would revert a release someone deployed since: close it, restore nothing (exit 3).
    if (opts.dryRun)
      throw new RefusedError(
        `rollback ${runId} is superseded: ${describeSuperseded(r.superseded)}; a resume would restore nothing and close it (dry run: nothing was changed)`,
      )
    const closed = await supersedeRun(p, r, who)
    throw new RefusedError(
      `${closed.message}. The run is closed; if what runs now is bad, roll back afresh: \`lastgood rollback ${closed.apps.join(' ')} --reason "<why>"\``,
    )
  }
  const { run, stoppedAt, steps } = r
  return runConfirmed(p, g, opts, {
    shown: renderResume(r),
    question: 'resume now?',
    json: (ran) => ({ resume: ran ? { run: run.id, stoppedAt } : { run: run.id, stoppedAt, steps }, plan: planJson(r.plan) }),
    run: () => resumeRollback(p, r, who),
  })
}

async function abandon(
  p: Platform,
  g: GlobalOptions,
  runId: string,
  opts: RollbackOptions,
  who: { reason: string; actor: string },
): Promise<number> {
  if (opts.dryRun) throw new UserError('--abandon has no dry run: it restores nothing, it only closes the run')
  await confirmOrRefuse(g, opts, `abandon rollback ${runId}: nothing is restored, its apps stay as it left them`, 'abandon it?', false)
  const result = await abandonRun(p, runId, who)
  if (g.json) printJson({ abandoned: result })
  else
    println(
      `rollback ${result.run} abandoned; it had stopped ${result.stoppedAt}. Check ${result.apps.join(', ')} with \`lastgood status\` before rolling back afresh`,
    )
  return 0
}
