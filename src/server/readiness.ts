import { messageOf } from '../core/errors.js'
import { redact } from '../core/redact.js'
import type { Platform } from '../platform/platform.js'

/** A check that has not answered by then has failed: a hung database must not hang the probe that asks. */
const CHECK_TIMEOUT_MS = 2_000

export interface Readiness {
  ready: boolean
  /** Per dependency: `ok`, or what is wrong with it. */
  checks: { state: string; repository: string }
}

/** Whether the process can do its work: the state answers a query and the repository is reachable. */
export async function readiness(p: Platform): Promise<Readiness> {
  const [state, repository] = await Promise.all([
    check(async () => {
      await p.state.db.selectFrom('counters').select('name').limit(1).execute()
    }),
    check(async () => {
      const config = await p.repository.backend.stat({ type: 'config', name: 'config' })
      if (!config) throw new Error(`no repository at ${p.repository.backend.location} (its config file is missing)`)
    }),
  ])
  return { ready: state === 'ok' && repository === 'ok', checks: { state, repository } }
}

async function check(fn: () => Promise<void>): Promise<string> {
  let timer: NodeJS.Timeout | undefined
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no answer within ${CHECK_TIMEOUT_MS} ms`)), CHECK_TIMEOUT_MS)
  })
  try {
    await Promise.race([fn(), timeout])
    return 'ok'
  } catch (err) {
    return redact(messageOf(err))
  } finally {
    clearTimeout(timer)
  }
}
