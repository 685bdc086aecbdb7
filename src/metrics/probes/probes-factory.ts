import { defineSource, type SourceApp } from '../source-factory.js'
import { ProbeHistory, ProbeSource } from './probe-source.js'

/**
 * The built-in source: the monitor's own health-check rounds, kept per app as long as its triggers look
 * back. Needs no settings, so it is always there; it is the default `source:` of a trigger.
 */
export const probesFactory = defineSource({
  kind: 'probes',
  capabilities: { measures: ['error_rate', 'latency', 'availability'], lastRequests: true, healthChecks: true },
  title: 'the built-in probes',
  description: 'the built-in health probes',
  configSchema: undefined,
  create({ apps }) {
    const histories = new Map(apps.map((a) => [a.name, historyFor(a)]))
    return new ProbeSource((app) => histories.get(app))
  },
})

/** Long enough for the app's longest window and its largest last-N count. */
function historyFor(app: SourceApp): ProbeHistory {
  let keepMs = app.health.intervalMs
  let keepRequests = 0
  for (const t of app.triggers) {
    if (t.windowMs !== undefined) keepMs = Math.max(keepMs, t.windowMs)
    if (t.kind === 'error_rate' && t.overRequests !== undefined) keepRequests = Math.max(keepRequests, t.overRequests)
  }
  return new ProbeHistory(keepMs, keepRequests)
}
