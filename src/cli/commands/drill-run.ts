import { existsSync } from 'node:fs'
import type { Command } from 'commander'
import { appendAudit } from '../../audit/audit-log.js'
import { configFileName, loadConfig } from '../../config/load-config.js'
import { POSITIVE_TIMER_RANGE } from '../../config-parts/units.js'
import { UserError } from '../../core/errors.js'
import type { DrillResult } from '../../drills/drill-result.js'
import { runDrill } from '../../drills/run-drill.js'
import { SCENARIO_LIST, SCENARIOS, scenario } from '../../drills/scenarios.js'
import { openPlatform } from '../../platform/open-platform.js'
import { Repository } from '../../repository/repository.js'
import { actorOf, globals } from '../global-options.js'
import { formatMs, printJson, println, table } from '../output.js'
import { parseDurationOption } from '../parse-time.js'
import { printEvent } from '../render-event.js'

const SEED_RTO_MS = 15 * 60_000

export async function drillAction(
  name: string | undefined,
  opts: { interval: string; failures: string; verbose: boolean },
  cmd: Command,
): Promise<number> {
  const g = globals(cmd)
  const actor = actorOf(g)
  const scenarios = name === undefined ? SCENARIO_LIST : [scenario(name) ?? badScenario(name)]
  const intervalMs = parseDurationOption('--interval', opts.interval, POSITIVE_TIMER_RANGE)
  if (intervalMs < 100) throw new UserError(`--interval: at least 100ms, got "${opts.interval}"`)
  const failures = Number(opts.failures)
  if (!Number.isInteger(failures) || failures < 1) throw new UserError(`--failures expects an integer >= 1, got "${opts.failures}"`)
  // The objectives (and the audit trail the results go to) are the platform's, when there is one.
  const file = configFileName(g.config)
  const config = g.config !== undefined || existsSync(file) ? await loadConfig(g.config) : undefined
  const rtoMs = config?.objectives.rtoMs ?? SEED_RTO_MS
  const results: DrillResult[] = []
  for (const s of scenarios) {
    const r = await runDrill(
      s,
      { intervalMs, failures },
      { rtoMs, actor, ...(opts.verbose && !g.json ? { onEvent: (e) => printEvent(e, false) } : {}) },
    )
    results.push(r)
    if (!g.json)
      println(
        `${s.name}: ${r.success ? 'recovered' : `FAILED: ${r.problem}`}${r.recoveryMs !== null ? ` in ${formatMs(r.recoveryMs)}` : ''}`,
      )
  }
  if (config && (await Repository.exists(config.repository.path))) await recordResults(g.config, actor, results)
  if (g.json)
    printJson({
      drills: results.map(({ events, ...r }) => ({
        ...r,
        events: events.map((e) => ({ type: e.type, at: e.at, app: e.app ?? null, message: e.message })),
      })),
    })
  else println(`\n${renderTable(results, rtoMs)}`)
  return results.every((r) => r.success && r.withinRto) ? 0 : 1
}

function badScenario(name: string): never {
  throw new UserError(`unknown drill "${name}"; the drills are: ${SCENARIOS.join(', ')}`)
}

/** Drills are evidence (HIPAA 164.308(a)(7)(ii)(D), testing and revision): each result goes to the audit chain. */
async function recordResults(configFile: string | undefined, actor: string, results: DrillResult[]): Promise<void> {
  const p = await openPlatform(configFile)
  try {
    for (const r of results) {
      await appendAudit(p.state, {
        actor,
        action: 'drill.result',
        target: r.scenario,
        reason: r.description,
        outcome: r.success && r.withinRto ? 'success' : 'failure',
        details: {
          problem: r.problem,
          measuredFrom: r.measuredFrom,
          recoveryMs: r.recoveryMs,
          rtoMs: r.objectives.rtoMs,
          withinRto: r.withinRto,
          timing: r.timing,
          recoveryOrder: r.recoveryOrder,
          apps: r.apps,
          ...(r.incident ? { incident: r.incident } : {}),
        },
      })
    }
  } finally {
    await p.close()
  }
}

function renderTable(results: DrillResult[], rtoMs: number): string {
  const ms = (v: number | null) => (v === null ? '—' : formatMs(v))
  const rows = results.flatMap((r) =>
    r.apps.map((a) => [
      r.scenario,
      a.app,
      a.trigger ?? (r.measuredFrom === 'declaration' ? 'declared' : '—'),
      ms(a.detectMs),
      ms(a.decideMs),
      ms(a.rollbackMs),
      ms(a.healthyMs),
      r.withinRto ? 'met' : 'MISSED',
      r.success ? 'ok' : `FAILED: ${r.problem}`,
    ]),
  )
  const incidents = results
    .filter((r) => r.incident)
    .map(
      ({ scenario, incident: i }) =>
        `\n\n${scenario}: incident ${i!.type}, runbook ${i!.runbook}: preserve_evidence ${ms(i!.evidenceMs)}, recover ${ms(i!.recoverMs)} (one app after the other, in the order above); declared → all apps answering healthy (probed): ${ms(i!.probedHealthyMs)}`,
    )
  return (
    table(['DRILL', 'APP', 'TRIGGER', 'DETECT', 'DECIDE', 'ROLLBACK', 'HEALTHY', `RTO ${formatMs(rtoMs)}`, 'RESULT'], rows) +
    '\n\nDETECT: fault → trigger fired; DECIDE: fired → decision; ROLLBACK: the run, validation included; HEALTHY: fault → validated after the rollback' +
    (incidents.length > 0 ? ' (a declared incident: nothing to detect or decide; HEALTHY from the declaration).' : '.') +
    incidents.join('')
  )
}
