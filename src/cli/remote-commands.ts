import type { Command } from 'commander'
import { UserError } from '../core/errors.js'
import { globals, serverOf } from './global-options.js'

/**
 * Which commands go through an operation, and so run on `lastgood serve` with --server: by their path in the
 * command tree, the operation's name (or the names of those it chooses from by its options). A test walks the
 * tree: every command is here or in LOCAL_ONLY.
 */
export const REMOTE_COMMANDS: Readonly<Record<string, string | readonly string[]>> = {
  status: 'status',
  validate: 'validate',
  'snapshot list': 'snapshot.list',
  'snapshot show': 'snapshot.show',
  'snapshot verify': 'snapshot.verify',
  'snapshot mark-good': 'snapshot.mark-good',
  'snapshot create': 'snapshot.create',
  'snapshot prune': 'snapshot.prune',
  rollback: ['rollback.preview', 'rollback.run', 'rollback.pending', 'rollback.dismiss', 'rollback.resume', 'rollback.abandon'],
  'incident declare': 'incident.declare',
  'incident list': 'incident.list',
  'incident show': 'incident.show',
  'incident postmortem': 'incident.postmortem',
  'incident note': 'incident.note',
  'incident escalate': 'incident.escalate',
  'incident resolve': 'incident.resolve',
  'incident assess': 'incident.assess',
  'incident action add': 'incident.action.add',
  'incident action done': 'incident.action.done',
  'incident action list': 'incident.action.list',
  'audit verify': 'audit.verify',
  'audit log': 'audit.log',
  'audit export': 'audit.export',
  'report compliance': 'report.compliance',
  approvals: 'approval.list',
  'approvals show': 'approval.show',
  'approvals wait': 'approval.wait',
  approve: 'approval.approve',
  reject: 'approval.reject',
  reviews: 'review.list',
  'review close': 'review.close',
  'user add': 'user.add',
  'user disable': 'user.disable',
  'user passwd': 'user.passwd',
  'user list': 'user.list',
  'token create': 'token.create',
  'token list': 'token.list',
  'token revoke': 'token.revoke',
  drill: 'drill.run',
  watch: 'watch.run',
  preflight: 'preflight',
  freeze: 'freeze',
  unfreeze: 'unfreeze',
  // --once is one round on the server; without it, the server's own monitor followed on its event stream.
  monitor: 'monitor.once',
}

/** Commands that act on this machine by nature: its files, its configuration, the server itself. */
export const LOCAL_ONLY: ReadonlySet<string> = new Set(['init', 'config schema', 'config reference', 'serve'])

/** `snapshot list`: the words after `lastgood`. */
export function commandPath(cmd: Command): string {
  const words: string[] = []
  for (let c: Command | null = cmd; c?.parent; c = c.parent) words.unshift(c.name())
  return words.join(' ')
}

/**
 * A command that acts on this machine must not quietly run here instead, under this machine's identity and
 * state, when the caller asked for the server: refused before it starts.
 */
export function refuseLocalUnderServer(_hooked: Command, action: Command): void {
  const g = globals(action)
  const path = commandPath(action)
  if (!serverOf(g) || !LOCAL_ONLY.has(path)) return
  throw new UserError(`lastgood ${path} acts on this machine only: run it without --server (and with LASTGOOD_SERVER unset)`)
}
