import type { Command } from 'commander'
import { reviewCloseOperation, reviewListOperation } from '../../operations/approvals.js'
import { globals } from '../global-options.js'
import { invoke } from '../invoke.js'
import { printJson, println } from '../output.js'
import { renderReviewList } from '../render-approval.js'

export async function reviewListAction(opts: { all: boolean }, cmd: Command): Promise<number> {
  const g = globals(cmd)
  const { result, exitCode } = await invoke(g, reviewListOperation, { all: opts.all })
  if (g.json) printJson(result)
  else if (result.reviews.length === 0) println(opts.all ? 'no reviews' : 'no open reviews (--all shows closed ones)')
  else println(renderReviewList(result.reviews))
  return exitCode
}

export async function reviewCloseAction(id: string, opts: { note?: string }, cmd: Command): Promise<number> {
  const g = globals(cmd)
  const { result, exitCode } = await invoke(g, reviewCloseOperation, { id, note: opts.note ?? '' })
  if (g.json) printJson(result)
  else println(`review ${id} closed by ${result.review.closedBy}`)
  return exitCode
}
