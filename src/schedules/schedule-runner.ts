import type { ResolvedSchedule } from '../config/types.js'
import { messageOf } from '../core/errors.js'
import { redact } from '../core/redact.js'
import type { Platform } from '../platform/platform.js'
import type { ScheduleRunTable } from '../state/schema.js'
import { runScheduledJob } from './schedule-jobs.js'
import { claimDue, finishRun, interruptLeftovers, type RunEnd } from './schedule-store.js'

/** How often due times are looked for: a six-field (seconds) schedule is run within a second of its time. */
const TICK_MS = 1_000

export interface ScheduleRunnerOptions {
  /** Aborted when the server stops: a running job ends at its next step boundary, as its command would. */
  stop: AbortSignal
  /** The clock due times are measured on; a test moves it. */
  now?: () => number
  tickMs?: number
  /** A run that ended, for the server's log. */
  onEnd?: (s: ResolvedSchedule, row: ScheduleRunTable) => void
}

/**
 * Runs the configured schedules in `lastgood serve`. Each tick claims what fell due (schedule-store.ts decides
 * what is run, missed or skipped, once across every server sharing the state) and starts those runs without
 * waiting for them, so a long drill delays no other schedule; a schedule's next due time that comes while its
 * run goes on is skipped. A tick that fails is logged and retried on the next.
 */
export class ScheduleRunner {
  private readonly running = new Map<string, Promise<void>>()
  private timer: NodeJS.Timeout | undefined
  private ticking: Promise<void> | undefined
  private readonly now: () => number

  constructor(
    private readonly p: Platform,
    private readonly opts: ScheduleRunnerOptions,
  ) {
    this.now = opts.now ?? Date.now
  }

  get schedules(): ResolvedSchedule[] {
    return this.p.config.schedules
  }

  /** Ends what a killed process left running, starts counting new schedules, then ticks every tickMs. */
  async start(): Promise<void> {
    if (this.schedules.length === 0) return
    await interruptLeftovers(this.p.state, this.p.config, new Date(this.now()))
    await this.tick()
    this.timer = setInterval(() => void this.tick(), this.opts.tickMs ?? TICK_MS)
  }

  /** Stops ticking and waits for the runs under way (the stop signal has told them to end). */
  async stop(): Promise<void> {
    clearInterval(this.timer)
    this.timer = undefined
    await this.ticking
    await this.idle()
  }

  /** Resolves when no run is under way. */
  async idle(): Promise<void> {
    while (this.running.size > 0) await Promise.all(this.running.values())
  }

  tick(): Promise<void> {
    if (this.ticking) return this.ticking
    this.ticking = this.evaluate().finally(() => (this.ticking = undefined))
    return this.ticking
  }

  private async evaluate(): Promise<void> {
    for (const s of this.schedules) {
      if (this.opts.stop.aborted) return
      try {
        const claim = await claimDue(this.p.state, this.p.config, s, new Date(this.now()), this.running.has(s.name))
        if (claim && 'run' in claim) this.launch(s, claim.run)
      } catch (err) {
        this.p.log.warn({ schedule: s.name, err: redact(messageOf(err)) }, 'schedules: cannot evaluate the schedule; retried next tick')
      }
    }
  }

  private launch(s: ResolvedSchedule, run: ScheduleRunTable): void {
    const done = this.execute(s, run).finally(() => this.running.delete(s.name))
    this.running.set(s.name, done)
  }

  private async execute(s: ResolvedSchedule, run: ScheduleRunTable): Promise<void> {
    let end: RunEnd
    try {
      const outcome = await runScheduledJob(this.p, s, this.opts.stop)
      end = { outcome: outcome.ok ? 'succeeded' : 'failed', summary: redact(outcome.summary) }
    } catch (err) {
      end = { outcome: 'failed', summary: redact(messageOf(err)) }
    }
    try {
      const row = await finishRun(this.p.state, this.p.config, s, run, end, new Date(this.now()))
      this.opts.onEnd?.(s, row)
    } catch (err) {
      // Left `running`: the next start of a server on this host records it interrupted.
      this.p.log.error({ schedule: s.name, run: run.id, err: redact(messageOf(err)) }, 'schedules: cannot record how a run ended')
    }
  }
}
