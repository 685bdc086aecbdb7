import type { Platform } from '../platform/platform.js'
import type { RollbackReport } from '../rollback/rollback-report.js'
import { openIncidentsCovering } from './open-incident.js'
import { recordTimeline } from './timeline.js'

/** What a timeline keeps of a run's apps: enough for the recovery report without reading the run. */
export function appSummary(report: RollbackReport) {
  return report.apps.map((a) => ({ app: a.app, outcome: a.outcome, target: a.target, from: a.from, to: a.to, error: a.error }))
}

/**
 * A rollback run no runbook started (a person's `lastgood rollback`, the monitor's automatic one) is still an
 * action taken during every open incident that covers its apps: it goes on their timelines as `rollback.done`,
 * so the recovery report and the post-mortem see it. A runbook records its own runs, with their messages.
 */
export async function recordRunOnIncidents(p: Platform, report: RollbackReport): Promise<void> {
  const apps = report.apps.map((a) => a.app)
  await p.state.writeTransaction(async (tx) => {
    for (const incident of await openIncidentsCovering(tx, apps)) {
      await recordTimeline(tx, incident.id, {
        kind: 'rollback.done',
        actor: report.actor,
        at: Date.parse(report.endedAt),
        outcome: report.status === 'succeeded' ? 'success' : 'failure',
        message: `rollback ${report.run} by ${report.actor} ${report.status} in ${report.durationMs} ms: ${report.apps.map((a) => `${a.app} ${a.outcome}`).join(', ')} (${report.reason})`,
        data: { run: report.run, status: report.status, durationMs: report.durationMs, apps: appSummary(report), outside: true },
      })
    }
  })
}
