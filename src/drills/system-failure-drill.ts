import { continuityActivations } from '../audit/compliance-report.js'
import { messageOf } from '../core/errors.js'
import { startTimer } from '../core/timers.js'
import type { SamplePlatform } from '../demo/sample-platform.js'
import { openPlatform } from '../platform/open-platform.js'
import { initPlatform } from '../platform/init-platform.js'
import type { Platform } from '../platform/platform.js'
import { declareIncident } from '../recovery/declare-incident.js'
import { resolveIncident } from '../recovery/resolve-incident.js'
import { stopReason } from '../rollback/journal.js'
import { createPlatformSnapshot } from '../snapshots/create-platform-snapshot.js'
import type { DrillTiming } from './drill-config.js'
import type { DrillResult } from './drill-result.js'
import type { DrillOptions } from './drill-config.js'
import { breakAll, measureIncidentRecovery, recoveryProblem, watchAllHealthy } from './platform-outage.js'
import type { Scenario } from './scenarios.js'

/**
 * The seeds' "Complete System Failure: total platform outage recovery", for real, on `sp` (the example
 * clinic's five apps, run by the caller in its environment): every app good (v1) and a platform snapshot;
 * every app broken at once; then complete_system_failure declared with --scope all --to that snapshot,
 * through declareIncident as `lastgood incident declare` does, its runbook run in this process. Nothing has to
 * be detected (people declared it): times run from the declaration to each app validated, in priority order,
 * and to the last one. Messages the incident queues stay in the drill's own state and go nowhere: no outbox
 * runs, so a drill never pages anyone. The incident is resolved and the apps stopped before returning.
 */
export async function systemFailureDrillOn(
  sp: SamplePlatform,
  s: Scenario,
  timing: DrillTiming,
  opts: Omit<DrillOptions, 'onEvent'>,
): Promise<DrillResult> {
  const startedAt = new Date().toISOString()
  const apps = sp.config.apps.map((a) => a.name)
  const reason = `drill ${s.name}`
  let p: Platform | undefined
  try {
    for (const app of apps) await sp.deploy(app, 'v1')
    await sp.start()
    await initPlatform({ configFile: sp.configFile, actor: opts.actor, env: sp.platformEnv() })
    p = await openPlatform(sp.configFile, { env: sp.platformEnv() })
    const ps = await createPlatformSnapshot(p, p.config.apps, { kind: 'manual', label: 'drill v1', actor: opts.actor, reason })
    const notGood = ps.snapshots.filter((snap) => !snap.knownGood)
    if (notGood.length > 0)
      throw new Error(`drill setup: v1 of ${notGood.map((snap) => `${snap.app} (${snap.health})`).join(', ')} was not healthy at capture`)
    await breakAll(sp, apps, 'v2-broken')
    const watch = watchAllHealthy(sp, apps)
    // A recovery slower than the RTO has failed the drill: stop it there rather than wait it out.
    const overdue = new AbortController()
    const timer = startTimer(opts.rtoMs, () =>
      overdue.abort(new Error(`not recovered within the RTO of ${Math.round(opts.rtoMs / 1000)} s`)),
    ).unref()
    const declared = await declareIncident(
      p,
      { type: 'complete_system_failure', scope: ['all'], target: ps.id, reason, actor: opts.actor },
      { signal: opts.stop ? AbortSignal.any([overdue.signal, opts.stop]) : overdue.signal },
    ).finally(() => timer.clear())
    const healthyAt = await watch.stop()
    await resolveIncident(p, declared.incident.id, { actor: opts.actor, summary: `${reason}: ended by the drill` })
    const r = await measureIncidentRecovery(p.state.db, declared.incident.id)
    const recoveryMs = r.apps.length > 0 && r.apps.every((a) => a.healthyMs !== null) ? Math.max(...r.apps.map((a) => a.healthyMs!)) : null
    const runbook = declared.runbook?.outcome ?? 'not run'
    const problem = overdue.signal.aborted
      ? messageOf(overdue.signal.reason)
      : opts.stop?.aborted
        ? `stopped by ${stopReason(opts.stop)} before every app recovered`
        : runbook !== 'succeeded'
          ? `runbook ${runbook}: ${declared.runbook?.steps
              .filter((x) => x.outcome !== 'succeeded')
              .map((x) => `${x.name} ${x.outcome}: ${x.detail}`)
              .join('; ')}`
          : (recoveryProblem(r, apps) ??
            (healthyAt === null ? 'lastgood validated every app, yet they did not all answer healthy from outside' : null))
    // No monitor runs here: a plan activates only if an escalation level of the incident activates it.
    const continuity = await continuityActivations(p.state.db)
    return {
      scenario: s.name,
      description: s.description,
      success: problem === null,
      problem,
      timing,
      startedAt,
      measuredFrom: 'declaration',
      apps: r.apps,
      recoveryOrder: r.apps.filter((a) => a.healthyMs !== null).map((a) => a.app),
      recoveryMs,
      objectives: { rtoMs: opts.rtoMs },
      withinRto: recoveryMs !== null && recoveryMs <= opts.rtoMs,
      continuity,
      incident: {
        id: declared.incident.id,
        type: declared.incident.type,
        runbook,
        evidenceMs: r.evidenceMs,
        recoverMs: r.recoverMs,
        probedHealthyMs: healthyAt === null ? null : healthyAt - r.declaredAt,
      },
      events: r.timeline.map((e) => ({
        type: e.kind,
        at: e.at,
        ...(typeof e.data.app === 'string' ? { app: e.data.app } : {}),
        message: e.message,
      })),
    }
  } finally {
    await p?.close().catch(() => undefined)
    await sp.stop()
  }
}
