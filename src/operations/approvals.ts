import { z } from 'zod'
import { requireApproval, listApprovals } from '../approvals/approval-store.js'
import { decideApproval, type Verdict } from '../approvals/decide-approval.js'
import { closeReview, listReviews } from '../approvals/reviews.js'
import { approvalExitCode, waitForApproval } from '../approvals/wait-approval.js'
import { durationSchema } from '../config-parts/units.js'
import { flagInput, reasonInput, requiredText } from './input-fields.js'
import { operation } from './operation.js'
import { whoActs } from './who-acts.js'

const approvalId = z.string().min(1).describe('Approval request id.')

export const approvalListOperation = operation({
  name: 'approval.list',
  summary: 'Approval requests waiting for a decision or to run (all: every one), oldest first',
  method: 'GET',
  path: '/approvals',
  permission: 'read',
  readOnly: false,
  input: z.object({ all: flagInput().describe('Decided, expired and executed requests too.') }),
  async run(p, input) {
    return { result: { approvals: await listApprovals(p.state.db, { all: input.all }) }, exitCode: 0 }
  },
})

export const approvalShowOperation = operation({
  name: 'approval.show',
  summary: 'One approval request: its plan, who was asked, the decisions and the run',
  method: 'GET',
  path: '/approvals/:id',
  permission: 'read',
  readOnly: false,
  input: z.object({ id: approvalId }),
  async run(p, input) {
    return { result: { approval: await requireApproval(p.state.db, input.id) }, exitCode: 0 }
  },
})

/**
 * Approve or reject. The route needs only `read`: the request's own permission (approve:<scenario>) is
 * checked against it, with the other rules, and a refusal is audited.
 */
function decideOperation(verdict: Verdict) {
  return operation({
    name: `approval.${verdict}`,
    summary:
      verdict === 'approve'
        ? 'Approve a request (the approval that completes it runs its plan, exactly as approved)'
        : 'Reject a request: it ends, nothing runs',
    method: 'POST',
    path: `/approvals/:id/${verdict}`,
    permission: 'read',
    readOnly: false,
    stoppable: true,
    input: z.object({ id: approvalId, reason: reasonInput(verdict) }),
    async run(p, input, ctx) {
      const identity = whoActs(ctx)
      const { approval, report } = await decideApproval(p, identity, input.id, verdict, input.reason, { stop: ctx.signal })
      return { result: { approval, ...(report ? { report } : {}) }, exitCode: report && report.status !== 'succeeded' ? 1 : 0 }
    },
  })
}

export const approvalApproveOperation = decideOperation('approve')
export const approvalRejectOperation = decideOperation('reject')

export const approvalWaitOperation = operation({
  name: 'approval.wait',
  summary: 'Follow a request to its end: exit 0 executed and succeeded, 1 failed, 3 rejected, expired, stale or still open',
  method: 'GET',
  path: '/approvals/:id/wait',
  permission: 'read',
  readOnly: false,
  stoppable: true,
  input: z.object({
    id: approvalId,
    timeout: durationSchema()
      .default(15 * 60_000)
      .describe('Give up waiting after this long (default 15m).'),
  }),
  async run(p, input, { signal }) {
    const approval = await waitForApproval(p, input.id, { timeoutMs: input.timeout, signal })
    return { result: { approval }, exitCode: approvalExitCode(approval) }
  },
})

export const reviewListOperation = operation({
  name: 'review.list',
  summary: 'Reviews of break-glass grants and emergency runs still open (all: closed ones too)',
  method: 'GET',
  path: '/reviews',
  permission: 'read',
  readOnly: false,
  input: z.object({ all: flagInput().describe('Closed reviews too.') }),
  async run(p, input) {
    return { result: { reviews: await listReviews(p.state.db, { all: input.all }) }, exitCode: 0 }
  },
})

export const reviewCloseOperation = operation({
  name: 'review.close',
  summary: 'Close a review with a note (a holder of review other than the one who acted)',
  method: 'POST',
  path: '/reviews/:id/close',
  permission: 'review',
  readOnly: false,
  input: z.object({
    id: z.string().min(1).describe('Review id.'),
    note: requiredText('review close needs --note "what was checked and found": it is the review\'s record'),
  }),
  async run(p, input, ctx) {
    return { result: { review: await closeReview(p, whoActs(ctx), input.id, input.note) }, exitCode: 0 }
  },
})
