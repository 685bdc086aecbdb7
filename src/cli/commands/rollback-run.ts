import type { Command } from 'commander'
import type { z } from 'zod'
import { requireReason, UserError } from '../../core/errors.js'
import type { Scenario } from '../../config-parts/decision-vocabulary.js'
import {
  pendingRollbackDismissOperation,
  pendingRollbackRunOperation,
  rollbackAbandonOperation,
  rollbackPreviewOperation,
  rollbackResumeOperation,
  rollbackRunOperation,
  type RollbackDocument,
} from '../../operations/rollbacks.js'
import { confirmOrRefuse } from '../confirmed-run.js'
import { type GlobalOptions, globals } from '../global-options.js'
import { invoke } from '../invoke.js'
import { printJson, println } from '../output.js'
import { renderRequested } from '../render-approval.js'
import { renderPlan, renderReport, renderResume } from '../render-rollback.js'

interface RollbackOptions {
  reason?: string
  to?: string
  component?: string[]
  resume?: string
  abandon?: string
  pending?: string
  dismiss?: string
  scenario?: Scenario
  breakGlass: boolean
  dryRun: boolean
  yes: boolean
}

/**
 * `lastgood rollback`, here or through --server: a dry run is the preview operation; otherwise the person sees
 * the same preview and says yes (or --yes), and the run goes with the plan they saw (refused, exit 3, when it
 * differs by then). The operations decide everything else: the matrix's gate, break-glass, the run.
 */
export async function rollbackAction(apps: string[], opts: RollbackOptions, cmd: Command): Promise<number> {
  const g = globals(cmd)
  const existing = opts.resume ?? opts.abandon
  if ([opts.resume, opts.abandon, opts.pending, opts.dismiss].filter(Boolean).length > 1)
    throw new UserError('--resume, --abandon, --pending and --dismiss exclude each other')
  if (opts.dismiss) return dismiss(g, opts.dismiss, apps, opts)
  if (opts.pending && (apps.length > 0 || opts.to || opts.component))
    throw new UserError(`--pending ${opts.pending} takes no apps, --to or --component: the proposal names them`)
  if (opts.breakGlass && (existing || opts.dryRun))
    throw new UserError('--break-glass is for a rollback that runs now: not with --resume, --abandon or --dry-run')
  if (existing && opts.scenario)
    throw new UserError(`--scenario is for a new rollback or --pending: --${opts.resume ? 'resume' : 'abandon'} keeps the run's own`)
  if (existing && (apps.length > 0 || opts.to || opts.component)) {
    throw new UserError(
      `--${opts.resume ? 'resume' : 'abandon'} ${existing} takes no apps, --to or --component: the run's recorded plan decides`,
    )
  }
  if (!existing && !opts.pending && apps.length === 0)
    throw new UserError('name the apps to roll back (or all), or --resume RUN / --abandon RUN / --pending ID')
  // A pending proposal has its own reason; asking for emergency access without one is recorded by the operation.
  const reason = opts.pending || opts.breakGlass ? opts.reason : requireReason(opts.reason, 'rollback')
  if (opts.abandon) return abandon(g, opts.abandon, opts, reason!)
  if (opts.resume) return resume(g, opts.resume, opts, reason!)
  const target = { app: apps, component: opts.component ?? [], ...(opts.to ? { to: opts.to } : {}) }
  const scenario = opts.scenario ? { scenario: opts.scenario } : {}
  const preview = opts.pending ? { pending: opts.pending, app: [], component: [] } : target
  const planHash = await previewOrConfirm(g, opts, { ...preview, ...scenario }, (doc) => ({
    shown: renderPlan(doc.plan, doc.decision),
    question: doc.decision?.approval.required ? 'ask for its approval now?' : 'roll back now?',
  }))
  if (planHash === null) return 0
  const run = { ...scenario, ...(reason ? { reason } : {}), breakGlass: opts.breakGlass, ...planHash }
  const { result, exitCode } = opts.pending
    ? await invoke(g, pendingRollbackRunOperation, { id: opts.pending, ...run })
    : await invoke(g, rollbackRunOperation, { ...target, ...run })
  printRun(g, result)
  return exitCode
}

/**
 * --dry-run prints the preview and returns null; without --yes the person reads it and confirms, and the
 * plan's hash goes with the run; with --yes there is nothing to show first.
 */
async function previewOrConfirm(
  g: GlobalOptions,
  opts: RollbackOptions,
  input: z.input<typeof rollbackPreviewOperation.input>,
  show: (doc: RollbackDocument) => { shown: string; question: string },
): Promise<{ planHash?: string } | null> {
  if (opts.yes && !opts.dryRun) return {}
  const { result } = await invoke(g, rollbackPreviewOperation, input)
  const { shown, question } = show(result)
  if (opts.dryRun) {
    if (g.json) printJson(result)
    else println(`${shown}\n\ndry run: nothing was changed`)
    return null
  }
  await confirmOrRefuse(g, opts, shown, question)
  return result.planHash ? { planHash: result.planHash } : {}
}

function printRun(g: GlobalOptions, doc: RollbackDocument): void {
  if (g.json) return printJson(doc)
  if (doc.approval) return println(`${renderPlan(doc.plan, doc.decision)}\n\n${renderRequested(doc.approval)}`)
  if (doc.review)
    println(
      `review ${doc.review.id} opened (${doc.review.kind}): another holder of "review" closes it with \`lastgood review close ${doc.review.id} --note "..."\``,
    )
  if (doc.report) println(renderReport(doc.report))
}

async function resume(g: GlobalOptions, run: string, opts: RollbackOptions, reason: string): Promise<number> {
  await previewOrConfirm(g, opts, { resume: run, app: [], component: [] }, (doc) => ({
    shown: doc.resume ? renderResume(doc.resume, doc.plan) : renderPlan(doc.plan),
    question: 'resume now?',
  }))
  if (opts.dryRun) return 0
  const { result, exitCode } = await invoke(g, rollbackResumeOperation, { run, reason })
  printRun(g, result)
  return exitCode
}

async function dismiss(g: GlobalOptions, id: string, apps: string[], opts: RollbackOptions): Promise<number> {
  if (apps.length > 0 || opts.to || opts.component || opts.scenario || opts.breakGlass || opts.dryRun)
    throw new UserError(`--dismiss ${id} takes only --reason (and --yes): it restores nothing, it closes the proposal`)
  const reason = requireReason(opts.reason, 'rollback')
  await confirmOrRefuse(g, opts, `dismiss pending rollback ${id}: nothing is restored`, 'dismiss it?', false)
  const { result } = await invoke(g, pendingRollbackDismissOperation, { id, reason })
  if (g.json) printJson(result)
  else println(`pending rollback ${id} of ${result.dismissed.app} dismissed (proposed by trigger ${result.dismissed.trigger})`)
  return 0
}

async function abandon(g: GlobalOptions, run: string, opts: RollbackOptions, reason: string): Promise<number> {
  if (opts.dryRun) throw new UserError('--abandon has no dry run: it restores nothing, it only closes the run')
  await confirmOrRefuse(g, opts, `abandon rollback ${run}: nothing is restored, its apps stay as it left them`, 'abandon it?', false)
  const { result } = await invoke(g, rollbackAbandonOperation, { run, reason })
  if (g.json) printJson(result)
  else
    println(
      `rollback ${result.abandoned.run} abandoned; it had stopped ${result.abandoned.stoppedAt}. Check ${result.abandoned.apps.join(', ')} with \`lastgood status\` before rolling back afresh`,
    )
  return 0
}
