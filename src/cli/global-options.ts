import { userInfo } from 'node:os'
import type { Command } from 'commander'
import { UserError } from '../core/errors.js'

export interface GlobalOptions {
  config?: string
  json: boolean
  as?: string
  server?: string
}

export function globals(cmd: Command): GlobalOptions {
  return cmd.optsWithGlobals<GlobalOptions>()
}

/** The server to send commands to: --server, else $LASTGOOD_SERVER; none runs them here. */
export function serverOf(g: GlobalOptions): string | undefined {
  return g.server ?? (process.env.LASTGOOD_SERVER || undefined)
}

/** The actor: --as, else $LASTGOOD_ACTOR, else the OS user. Every audit event carries exactly one. */
export function actorOf(g: GlobalOptions): string {
  const actor = g.as ?? process.env.LASTGOOD_ACTOR ?? safeUser()
  if (!actor || !/^[\w.@+-]{1,128}$/.test(actor)) {
    throw new UserError(`invalid actor "${actor}": use letters, digits and . _ @ + - (set it with --as or LASTGOOD_ACTOR)`)
  }
  return actor
}

function safeUser(): string {
  try {
    return userInfo().username
  } catch {
    return 'unknown'
  }
}
