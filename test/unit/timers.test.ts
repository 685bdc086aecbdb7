import fc from 'fast-check'
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { MAX_TIMER_DELAY_MS, sleep, startTimer, timeoutSignal } from '../../src/core/timers.js'
import { durationKeys } from '../helpers/duration-keys.js'
import { everyDurationConfig } from '../helpers/every-duration-config.js'

// vitest's fake clock fires a delay above 2^31-1 ms after 1 ms, as Node does: a timer that hands Node such a
// delay fires early here too.
beforeEach(() => {
  vi.useFakeTimers()
})
afterEach(() => {
  vi.useRealTimers()
})

const DAY = 86_400_000
const { keys } = durationKeys(everyDurationConfig())

/** The three ways a wait is started, each reporting when it ended. */
const WAYS: Record<string, (ms: number, ended: () => void) => void> = {
  startTimer: (ms, ended) => void startTimer(ms, ended),
  sleep: (ms, ended) => void sleep(ms).then(ended),
  timeoutSignal: (ms, ended) => timeoutSignal(ms).addEventListener('abort', ended),
}

/**
 * Moves the fake clock on. In steps: the fake clock adds a stray millisecond to one advance of more than
 * about 9e9 ms (it computes the step in nanoseconds, past a double's exact integers).
 */
async function advance(ms: number): Promise<void> {
  for (let left = ms; left > 0; left -= 8e9) await vi.advanceTimersByTimeAsync(Math.min(left, 8e9))
}

/** Starts a wait of `ms` on the fake clock; fails if it ends before it is due or more than 1 s after. */
async function honoured(way: (ms: number, ended: () => void) => void, ms: number): Promise<void> {
  // The clock the timers go by: monotonic, not the wall clock.
  const start = performance.now()
  let endedAt: number | undefined
  way(ms, () => (endedAt = performance.now()))
  if (ms > 0) {
    await advance(ms - 1)
    expect(endedAt, `a wait of ${ms} ms ended ${endedAt! - start} ms in`).toBeUndefined()
  }
  await advance(Math.min(ms, 1) + 1000)
  expect(endedAt, `a wait of ${ms} ms had not ended 1 s after it was due`).toBeDefined()
  expect(endedAt! - start).toBeGreaterThanOrEqual(ms)
  expect(endedAt! - start).toBeLessThanOrEqual(ms + 1000)
}

describe('case 18: every duration at its maximum is honoured exactly (no timer fires early)', () => {
  it.each(Object.keys(WAYS))('%s: a wait over the range of every duration key ends when due, within 1 s', async (name) => {
    expect(keys.length).toBeGreaterThan(0)
    for (const k of keys) {
      const ms = fc.integer({ min: k.min, max: k.max })
      const edges = [k.min, k.max, MAX_TIMER_DELAY_MS, MAX_TIMER_DELAY_MS + 1, 30 * DAY].filter((x) => x >= k.min && x <= k.max)
      await fc.assert(
        fc.asyncProperty(ms, (x) => honoured(WAYS[name]!, x)),
        { numRuns: 15, examples: edges.map((x) => [x]) },
      )
    }
  })

  it('a timeout signal aborts with a TimeoutError, as AbortSignal.timeout does', async () => {
    const signal = timeoutSignal(30 * DAY)
    await vi.advanceTimersByTimeAsync(30 * DAY)
    expect(signal.aborted).toBe(true)
    expect((signal.reason as DOMException).name).toBe('TimeoutError')
  })

  it('a cleared timer never fires, whichever link of its chain it was in', async () => {
    let fired = 0
    const timer = startTimer(60 * DAY, () => fired++)
    await vi.advanceTimersByTimeAsync(30 * DAY)
    timer.clear()
    await vi.advanceTimersByTimeAsync(60 * DAY)
    expect(fired).toBe(0)
  })

  it('a sleep ends early when its signal aborts', async () => {
    const abort = new AbortController()
    let ended = false
    void sleep(365 * DAY, abort.signal).then(() => (ended = true))
    await vi.advanceTimersByTimeAsync(DAY)
    expect(ended).toBe(false)
    abort.abort()
    await vi.advanceTimersByTimeAsync(0)
    expect(ended).toBe(true)
  })
})
