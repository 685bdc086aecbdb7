import type { ResolvedApp } from '../config/types.js'
import type { Platform } from '../platform/platform.js'
import { providerFor } from '../providers/registry.js'
import type { RollbackReport } from '../rollback/rollback-report.js'
import { providerContext } from '../snapshots/create-snapshot.js'
import type { StateDb } from '../state/open-state.js'

export type Versions = Record<string, string>

/**
 * What each component of the app runs now, read through its provider (changing nothing). A component that
 * cannot be read is left out: a failed read is not a new deploy.
 */
export async function liveVersions(p: Platform, app: ResolvedApp, signal: AbortSignal): Promise<Versions> {
  const out: Versions = {}
  for (const c of app.components) {
    try {
      out[c.name] = (await providerFor(c).current(c, providerContext(p, app, c, signal))).version
    } catch {
      // Unreadable now: judged on the components that could be read.
    }
  }
  return out
}

/** The versions a finished run restored to the app (from its report), or {} when it recorded none. */
export async function restoredVersions(db: StateDb, runId: string, app: string): Promise<Versions> {
  const row = await db.selectFrom('rollback_runs').select('report').where('id', '=', runId).executeTakeFirst()
  if (!row?.report) return {}
  const report = JSON.parse(row.report) as RollbackReport
  return report.apps?.find((a) => a.app === app)?.to ?? {}
}

/**
 * The components that run something other than `expected` (`release=v3, not v1`): a new deploy. Only
 * components both sides know are compared.
 */
export function deployedSince(expected: Versions, live: Versions): string[] {
  return Object.entries(expected)
    .filter(([c, v]) => live[c] !== undefined && live[c] !== v)
    .map(([c, v]) => `${c}=${live[c]}, not ${v}`)
}
