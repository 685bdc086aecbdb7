import type { ResolvedApp } from '../config/types.js'
import { readsHealthChecks } from '../metrics/source-registry.js'

/**
 * Why nothing would ever act on this app's bad state, or null when something would: it has no trigger (the
 * default health trigger was turned off, or it has no health check to get one), or every trigger reads the
 * built-in probes and the app has no health check for them to probe. `validate` and `monitor` say it aloud,
 * so protection never lapses without a word.
 */
export function protectionGap(app: ResolvedApp): string | null {
  const checks = app.health.checks.length > 0
  if (app.triggers.length === 0) {
    return checks
      ? `nothing to act on: ${app.name} has no triggers (its default health trigger is turned off); add one under triggers, or remove \`health: { kind: off }\``
      : `nothing to act on: ${app.name} has no health checks and no triggers; add a check under health.checks to get the default trigger (3 failed rounds in a row → rollback)`
  }
  const probed = app.triggers.every((t) => t.kind === 'health_failures' || readsHealthChecks(t))
  if (!checks && probed)
    return `nothing to act on: every trigger of ${app.name} reads the health probes, and it has no health checks; add one under health.checks`
  return null
}
