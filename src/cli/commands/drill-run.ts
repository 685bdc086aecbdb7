import { existsSync } from 'node:fs'
import type { Command } from 'commander'
import { CONTINUITY_ACTIVATION_TARGET_MS } from '../../audit/compliance-report.js'
import { configFileName, loadConfig } from '../../config/load-config.js'
import { UserError } from '../../core/errors.js'
import { formatDuration, POSITIVE_TIMER_RANGE } from '../../config-parts/units.js'
import { type DrillReport, drillRunOperation, type DrillUpdate, MIN_INTERVAL_MS, runDrills, unknownDrill } from '../../operations/drills.js'
import type { Outcome } from '../../operations/operation.js'
import { parseInput } from '../../operations/parse-input.js'
import { DRILL_NAMES } from '../../config-parts/drill-vocabulary.js'
import { scenario } from '../../drills/scenarios.js'
import { Repository } from '../../repository/repository.js'
import { actorOf, type GlobalOptions, globals, serverOf } from '../global-options.js'
import { invoke } from '../invoke.js'
import { formatMs, printJson, println, table } from '../output.js'
import { parseDurationOption } from '../parse-time.js'
import { printEvent } from '../render-event.js'
import { untilStopped } from '../stop-signal.js'

const SEED_RTO_MS = 15 * 60_000

export async function drillAction(
  name: string | undefined,
  opts: { interval: string; failures: string; verbose: boolean },
  cmd: Command,
): Promise<number> {
  const g = globals(cmd)
  if (opts.verbose && serverOf(g))
    throw new UserError(
      "--verbose prints the drill monitor's events as they happen, which only a drill run here can: drop --verbose (with --json the report holds every event) or run the drill without --server",
    )
  const input = checked(name, opts)
  // Each drill's line as it ends here; through the server, all of them once the run has ended.
  let told = 0
  const tell = (d: DrillReport) =>
    println(
      `${d.scenario}: ${d.success ? 'recovered' : `FAILED: ${d.problem}`}${d.recoveryMs !== null ? ` in ${formatMs(d.recoveryMs)}` : ''}`,
    )
  const progress = (u: DrillUpdate) => {
    if (g.json) return
    if ('event' in u) {
      if (opts.verbose) printEvent(u.event, false)
    } else {
      tell(u.drill)
      told++
    }
  }
  const { result, exitCode } =
    serverOf(g) || (await recordedHere(g)) ? await invoke(g, drillRunOperation, input, { progress }) : await unrecorded(g, input, progress)
  if (g.json) printJson(result)
  else {
    result.drills.slice(told).forEach(tell)
    println(`\n${renderTable(result.drills)}`)
  }
  return exitCode
}

/** The arguments as the command has always checked them, in its words; the operation's schema checks them again. */
function checked(name: string | undefined, opts: { interval: string; failures: string }) {
  if (name !== undefined && !scenario(name)) throw new UserError(unknownDrill(name))
  const intervalMs = parseDurationOption('--interval', opts.interval, POSITIVE_TIMER_RANGE)
  if (intervalMs < MIN_INTERVAL_MS) throw new UserError(`--interval: at least 100ms, got "${opts.interval}"`)
  const failures = Number(opts.failures)
  if (!Number.isInteger(failures) || failures < 1) throw new UserError(`--failures expects an integer >= 1, got "${opts.failures}"`)
  return { scenario: name === undefined ? [...DRILL_NAMES] : [name], interval: opts.interval, failures }
}

/** A platform here to record the drills in: a configuration, and its repository initialised. */
async function recordedHere(g: GlobalOptions): Promise<boolean> {
  const config = await configHere(g)
  return config !== undefined && (await Repository.exists(config.repository.path))
}

async function configHere(g: GlobalOptions) {
  return g.config !== undefined || existsSync(configFileName(g.config)) ? loadConfig(g.config) : undefined
}

/**
 * A drill needs no platform: without one initialised here it runs against the configuration's RTO (the seeds'
 * 15 min without a configuration), and records nothing.
 */
async function unrecorded(
  g: GlobalOptions,
  input: Record<string, unknown>,
  progress: (u: DrillUpdate) => void,
): Promise<Outcome<{ drills: DrillReport[] }>> {
  const parsed = parseInput(drillRunOperation, input)
  const rtoMs = (await configHere(g))?.objectives.rtoMs ?? SEED_RTO_MS
  const actor = actorOf(g)
  return untilStopped((signal) => runDrills(parsed, { rtoMs, actor, signal, progress }))
}

function renderTable(results: DrillReport[]): string {
  const rtoMs = results[0]?.objectives.rtoMs ?? SEED_RTO_MS
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
  const continuity = results.flatMap(({ scenario, continuity: plans }) =>
    plans.map(
      (c) =>
        `\n\n${scenario}: continuity plan ${c.plan} (${c.function}) activated ${ms(c.activationMs)} after ${c.apps.join(', ')} went down: ${c.withinTarget ? 'within' : 'MISSED'} the target of ${formatDuration(CONTINUITY_ACTIVATION_TARGET_MS)}`,
    ),
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
    incidents.join('') +
    continuity.join('')
  )
}
