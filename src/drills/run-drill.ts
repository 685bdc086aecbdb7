import { continuityActivations } from '../audit/compliance-report.js'
import { execFile } from 'node:child_process'
import { promisify } from 'node:util'
import { startTimer } from '../core/timers.js'
import { portVariable, SamplePlatform, SAMPLE_APP_CTL } from '../demo/sample-platform.js'
import type { MonitorEvent } from '../monitor/events.js'
import type { Monitor } from '../monitor/monitor.js'
import { monitorWithRecovery, untilAborted } from '../monitor/run-monitor.js'
import { stopReason } from '../rollback/journal.js'
import { openPlatform } from '../platform/open-platform.js'
import { factoryFor } from '../providers/registry.js'
import { initPlatform } from '../platform/init-platform.js'
import type { Platform } from '../platform/platform.js'
import { createSnapshot } from '../snapshots/create-snapshot.js'
import { clinicTimingEnv, drillConfigText, type DrillOptions, type DrillTiming } from './drill-config.js'
import type { AppMeasurement, DrillResult } from './drill-result.js'
import { systemFailureDrillOn } from './system-failure-drill.js'
import type { Scenario } from './scenarios.js'

const run = promisify(execFile)

/**
 * One drill, for real: a throwaway platform of sample apps (real processes, real HTTP, a real repository
 * and state), a known-good release snapshotted, then the scenario's bad release deployed. A monitor drill
 * runs on the drills' own platform and measures what the monitor does about it; an incident drill runs on
 * the example clinic (system-failure-drill.ts). Everything it created is removed, whatever happens.
 */
export async function runDrill(s: Scenario, timing: DrillTiming, opts: DrillOptions): Promise<DrillResult> {
  const sp = await SamplePlatform.create(
    s.recovery === 'incident'
      ? { env: clinicTimingEnv(timing) }
      : { configText: drillConfigText(timing, process.execPath, SAMPLE_APP_CTL) },
  )
  try {
    return s.recovery === 'incident' ? await systemFailureDrillOn(sp, s, timing, opts) : await drillOn(sp, s, timing, opts)
  } finally {
    await sp.destroy()
  }
}

async function drillOn(sp: SamplePlatform, s: Scenario, timing: DrillTiming, opts: DrillOptions): Promise<DrillResult> {
  const startedAt = new Date().toISOString()
  const events: MonitorEvent[] = []
  let p: Platform | undefined
  let monitor: Monitor | undefined
  const apps = [...new Set(s.apps)]
  try {
    for (const app of apps) {
      await sp.deploy(app, 'v1')
      await ctl(sp, 'restart', app)
    }
    await initPlatform({ configFile: sp.configFile, actor: opts.actor, env: sp.platformEnv() })
    p = await openPlatform(sp.configFile, { env: sp.platformEnv() })
    for (const app of apps) {
      const snap = await createSnapshot(p, sp.app(app), {
        kind: 'pre-deploy',
        label: 'drill v1',
        actor: opts.actor,
        reason: `drill ${s.name}`,
      })
      if (!snap.knownGood) throw new Error(`drill setup: v1 of ${app} was not healthy at capture (${snap.health})`)
    }
    // As `lastgood monitor` runs it: with the recovery scheduler, so the continuity plans follow the apps too.
    monitor = monitorWithRecovery(
      p,
      p.config.apps.filter((a) => apps.includes(a.name)),
      { startedBy: opts.actor },
    )
    const done = new Map<string, MonitorEvent>()
    let settled: () => void = () => {}
    const allDone = new Promise<void>((r) => (settled = r))
    monitor.bus.subscribe((e) => {
      events.push(e)
      opts.onEvent?.(e)
      if (e.app && (e.type === 'rollback.done' || e.type === 'escalation.recorded') && !done.has(e.app)) {
        done.set(e.app, e)
        if (apps.every((a) => done.has(a))) settled()
      }
    })
    await monitor.start()
    const faultAt = Date.now()
    for (const app of s.apps) await sp.deploy(app, 'v2-bad', s.fault)
    const stopped = opts.stop ? untilAborted(opts.stop) : new Promise<void>(() => {})
    const waited = await Promise.race([
      allDone.then(() => 'done' as const),
      sleep(opts.rtoMs).then(() => 'overdue' as const),
      stopped.then(() => 'stopped' as const),
    ])
    await monitor.stop()
    monitor = undefined
    const continuity = await continuityActivations(p.state.db)
    const measured = apps.map((app) => measure(app, events, faultAt))
    const recoveryOrder = measured
      .filter((m) => m.healthyMs !== null)
      .sort((a, b) => a.healthyMs! - b.healthyMs!)
      .map((m) => m.app)
    const recoveryMs = measured.every((m) => m.healthyMs !== null) ? Math.max(...measured.map((m) => m.healthyMs!)) : null
    const expectedOrder = p.config.apps.filter((a) => apps.includes(a.name)).map((a) => a.name)
    const problem =
      waited === 'stopped'
        ? `stopped by ${stopReason(opts.stop!)} before every app recovered`
        : waited === 'overdue'
          ? `not recovered within the RTO of ${Math.round(opts.rtoMs / 1000)} s`
          : measured.find((m) => m.healthyMs === null)
            ? `${measured
                .filter((m) => m.healthyMs === null)
                .map((m) => m.app)
                .join(', ')} not rolled back: ${[...done.values()]
                .filter((e) => e.type !== 'rollback.done' || e.outcome !== 'success')
                .map((e) => e.message)
                .join('; ')}`
            : recoveryOrder.join() !== expectedOrder.join()
              ? `recovered in the order ${recoveryOrder.join(', ')}, not in priority order ${expectedOrder.join(', ')}`
              : null
    return {
      scenario: s.name,
      description: s.description,
      success: problem === null,
      problem,
      timing,
      startedAt,
      measuredFrom: 'fault',
      apps: measured,
      recoveryOrder,
      recoveryMs,
      objectives: { rtoMs: opts.rtoMs },
      withinRto: recoveryMs !== null && recoveryMs <= opts.rtoMs,
      continuity,
      incident: null,
      events,
    }
  } finally {
    await monitor?.stop().catch(() => undefined)
    await p?.close().catch(() => undefined)
    for (const app of apps) await ctl(sp, 'stop', app).catch(() => undefined)
  }
}

function measure(app: string, events: MonitorEvent[], faultAt: number): AppMeasurement {
  const mine = events.filter((e) => e.app === app)
  const fired = mine.find((e) => e.type === 'trigger.firing')
  const decided = fired ? mine.find((e) => e.type === 'decision' && Date.parse(e.at) >= Date.parse(fired.at)) : undefined
  const done = mine.find((e) => e.type === 'rollback.done' && e.outcome === 'success')
  const at = (e: MonitorEvent | undefined) => (e ? Date.parse(e.at) : null)
  const d = done?.data as { run: string; startedAt: string; endedAt: string; validatedAt: string; to: Record<string, string> } | undefined
  return {
    app,
    trigger: fired?.trigger ?? null,
    detectMs: fired ? at(fired)! - faultAt : null,
    decideMs: fired && decided ? at(decided)! - at(fired)! : null,
    startedMs: d ? Date.parse(d.startedAt) - faultAt : null,
    rollbackMs: d ? Date.parse(d.endedAt) - Date.parse(d.startedAt) : null,
    healthyMs: d ? Date.parse(d.validatedAt) - faultAt : null,
    run: d?.run ?? null,
    restored: d?.to ?? null,
  }
}

async function ctl(sp: SamplePlatform, action: 'restart' | 'stop', app: string): Promise<void> {
  const c = sp.app(app).components[0]!
  const root = factoryFor(c).releaseDirectory?.(c).root
  if (root === undefined) throw new Error(`drill app ${app} must deploy as a release directory`)
  const pidFile = `${root}/../${app}.pid`
  const args =
    action === 'stop'
      ? ['stop', '--pid-file', pidFile]
      : [
          'restart',
          '--root',
          root,
          '--port',
          sp.env[portVariable(app)]!,
          '--name',
          app,
          '--pid-file',
          pidFile,
          '--log',
          `${root}/../${app}.log`,
        ]
  await run(process.execPath, [SAMPLE_APP_CTL, ...args], { timeout: 30_000 })
}

const sleep = (ms: number) => new Promise<void>((r) => startTimer(ms, r).unref())
