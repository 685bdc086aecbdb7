import type { Command } from 'commander'
import type { Approval } from '../../approvals/approval.js'
import type { Verdict } from '../../approvals/decide-approval.js'
import {
  approvalApproveOperation,
  approvalListOperation,
  approvalRejectOperation,
  approvalShowOperation,
  approvalWaitOperation,
} from '../../operations/approvals.js'
import { globals } from '../global-options.js'
import { invoke } from '../invoke.js'
import { printJson, println } from '../output.js'
import { renderApproval, renderApprovalList } from '../render-approval.js'
import { renderReport } from '../render-rollback.js'

export async function approvalListAction(opts: { all: boolean }, cmd: Command): Promise<number> {
  const g = globals(cmd)
  const { result, exitCode } = await invoke(g, approvalListOperation, { all: opts.all })
  if (g.json) printJson(result)
  else if (result.approvals.length === 0) println(opts.all ? 'no approval requests' : 'no open approval requests (--all shows every one)')
  else println(renderApprovalList(result.approvals))
  return exitCode
}

export async function approvalShowAction(id: string, _opts: unknown, cmd: Command): Promise<number> {
  const g = globals(cmd)
  const { result, exitCode } = await invoke(g, approvalShowOperation, { id })
  if (g.json) printJson(result)
  else println(renderApproval(result.approval))
  return exitCode
}

export async function approvalWaitAction(id: string, opts: { timeout: string }, cmd: Command): Promise<number> {
  const g = globals(cmd)
  const { result, exitCode } = await invoke(g, approvalWaitOperation, { id, timeout: opts.timeout })
  if (g.json) printJson(result)
  else println(`${renderApproval(result.approval)}${settledText(result.approval)}`)
  return exitCode
}

function settledText(a: Approval): string {
  if (a.status === 'pending' || a.status === 'approved' || (a.status === 'executed' && a.outcome === null))
    return `\nstill ${a.status === 'executed' ? 'running' : a.status} when the wait ended (exit 3); wait again with \`lastgood approvals wait ${a.id}\``
  return ''
}

export const approveAction = (id: string, opts: { reason?: string }, cmd: Command) => decide('approve', id, opts, cmd)
export const rejectAction = (id: string, opts: { reason?: string }, cmd: Command) => decide('reject', id, opts, cmd)

async function decide(verdict: Verdict, id: string, opts: { reason?: string }, cmd: Command): Promise<number> {
  const g = globals(cmd)
  const op = verdict === 'approve' ? approvalApproveOperation : approvalRejectOperation
  const { result, exitCode } = await invoke(g, op, { id, reason: opts.reason ?? '' })
  if (g.json) printJson(result)
  else {
    const a = result.approval
    if (a.status === 'pending')
      println(`approval ${id}: ${verdict}d; ${a.requiredApprovers - a.decisions.length} more approval(s) by a different person needed`)
    else println(`approval ${id}: ${a.status}`)
    if (result.report) println(renderReport(result.report))
  }
  return exitCode
}
