import { z } from 'zod'
import { appendAudit } from '../audit/audit-log.js'
import { positiveDurationSchema } from '../config-parts/units.js'
import { RefusedError } from '../core/errors.js'
import type { DrillEvent, DrillResult } from '../drills/drill-result.js'
import { runDrill } from '../drills/run-drill.js'
import { DRILL_NAMES } from '../config-parts/drill-vocabulary.js'
import { scenario } from '../drills/scenarios.js'
import type { MonitorEvent } from '../monitor/events.js'
import type { Platform } from '../platform/platform.js'
import { listInput } from './input-fields.js'
import { type OperationContext, type Outcome, operation } from './operation.js'

const FAILURES = 'expected an integer >= 1'
/** The fastest probing a drill app takes. */
export const MIN_INTERVAL_MS = 100

export function unknownDrill(name: string): string {
  return `unknown drill "${name}"; the drills are: ${DRILL_NAMES.join(', ')}`
}

export const DrillInput = z.object({
  // The CLI names every drill when none is given; a request names them, so an empty body starts nothing.
  scenario: listInput(z.string())
    .superRefine((names, ctx) => {
      const unknown = names.find((n) => !scenario(n))
      if (unknown !== undefined) ctx.addIssue({ code: 'custom', message: unknownDrill(unknown) })
      else if (names.length === 0) ctx.addIssue({ code: 'custom', message: `name at least one drill: ${DRILL_NAMES.join(', ')}` })
    })
    .describe(`Drills to run, in this order: ${DRILL_NAMES.join(', ')}.`),
  interval: positiveDurationSchema()
    .refine((ms) => ms >= MIN_INTERVAL_MS, { error: `at least ${MIN_INTERVAL_MS}ms` })
    .default(1000)
    .describe('Probe interval of the drill apps (at least 100ms; default 1s).'),
  failures: z.coerce
    .number({ error: FAILURES })
    .int({ error: FAILURES })
    .min(1, { error: FAILURES })
    .default(3)
    .describe('Consecutive failed probes that fire the health trigger (default 3).'),
})

/** A drill's result as the command prints it with --json: its events as one line each, not the monitor's whole. */
export type DrillReport = Omit<DrillResult, 'events'> & { events: (Omit<DrillEvent, 'app'> & { app: string | null })[] }

/** What a drill run tells as it goes: each event of a drill's monitor, and each drill when it ends. */
export type DrillUpdate = { event: MonitorEvent } | { drill: DrillReport }

/**
 * Runs the drills one after the other, each on its own throwaway platform of sample apps, measured against
 * `rtoMs`; exit 1 unless every one recovered within it. A stop request fails the drill under way (its
 * platform removed) and starts no other.
 */
export async function runDrills(
  input: z.infer<typeof DrillInput>,
  o: { rtoMs: number; actor: string; signal: AbortSignal; progress?: (u: DrillUpdate) => void },
): Promise<Outcome<{ drills: DrillReport[] }>> {
  if (drilling !== undefined)
    throw new RefusedError(
      `a drill started by ${drilling} is running in this process; drills run one at a time here (each measures a recovery time, which another beside it would distort): run it again when that one ends`,
    )
  drilling = o.actor
  try {
    const drills: DrillReport[] = []
    for (const name of input.scenario) {
      if (o.signal.aborted) break
      const r = await runDrill(
        scenario(name)!,
        { intervalMs: input.interval, failures: input.failures },
        { rtoMs: o.rtoMs, actor: o.actor, stop: o.signal, ...(o.progress ? { onEvent: (event) => o.progress!({ event }) } : {}) },
      )
      const { events, ...rest } = r
      const drill = { ...rest, events: events.map((e) => ({ type: e.type, at: e.at, app: e.app ?? null, message: e.message })) }
      drills.push(drill)
      o.progress?.({ drill })
    }
    return { result: { drills }, exitCode: drills.length === input.scenario.length && drills.every(passed) ? 0 : 1 }
  } finally {
    drilling = undefined
  }
}

/** Who started the drill running in this process, if one is. */
let drilling: string | undefined

const passed = (d: DrillReport) => d.success && d.withinRto

/**
 * `lastgood drill`: the drills measured against the platform's RTO, each result recorded in its audit chain.
 * It leaves the platform itself alone: a drill breaks and recovers only its own sample apps.
 */
export const drillRunOperation = operation({
  name: 'drill.run',
  summary: "Recovery drills on throwaway sample apps, measured against the platform's RTO and recorded in its audit trail",
  method: 'POST',
  path: '/drills',
  // A drill rolls back for real, on its own apps: who may ask for a rollback may prove that one works.
  permission: 'rollback',
  readOnly: false,
  stoppable: true,
  long: true,
  input: DrillInput,
  async run(p, input, { actor, signal, progress }: OperationContext<DrillUpdate>) {
    const outcome = await runDrills(input, { rtoMs: p.config.objectives.rtoMs, actor, signal, ...(progress ? { progress } : {}) })
    await recordResults(p, actor, outcome.result.drills)
    return outcome
  },
})

/** Drills are evidence (HIPAA 164.308(a)(7)(ii)(D), testing and revision): each result goes to the audit chain. */
async function recordResults(p: Platform, actor: string, drills: DrillReport[]): Promise<void> {
  for (const r of drills) {
    await appendAudit(p.state, {
      actor,
      action: 'drill.result',
      target: r.scenario,
      reason: r.description,
      outcome: passed(r) ? 'success' : 'failure',
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
}
