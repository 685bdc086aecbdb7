/**
 * Timers for the durations people configure. Node's setTimeout (and so setInterval, AbortSignal.timeout and
 * timers/promises) takes at most 2^31-1 ms, about 24.8 days, and fires a longer one at once after a warning:
 * `watch --for 30d` would vouch for a release after a millisecond. These chain waits of at most that length
 * until the due time, so every duration is honoured exactly. Time is read from the monotonic clock at each
 * link, so a wall-clock jump moves nothing, and every global is read when it is used (tests fake them).
 */

/** The longest delay Node's timers take as given. */
export const MAX_TIMER_DELAY_MS = 2 ** 31 - 1

export interface Timer {
  /** Cancels it; calling it again, or after it fired, does nothing. */
  clear(): void
  /** Lets the process exit while it waits, as Node's timeout.unref(). */
  unref(): Timer
}

/** Calls `fn` once, `ms` from now (at once for 0 or less, but never synchronously). */
export function startTimer(ms: number, fn: () => void): Timer {
  const due = performance.now() + Math.max(0, ms)
  let handle: NodeJS.Timeout | undefined
  let referenced = true
  const arm = (delay: number) => {
    handle = setTimeout(check, Math.min(Math.max(0, delay), MAX_TIMER_DELAY_MS))
    if (!referenced) handle.unref()
  }
  // Node may fire a little early by the clock it caches per loop turn: wait out what is left.
  const check = () => {
    const left = due - performance.now()
    if (left > 0) return arm(Math.ceil(left))
    handle = undefined
    fn()
  }
  arm(ms)
  const timer: Timer = {
    clear() {
      clearTimeout(handle)
      handle = undefined
    },
    unref() {
      referenced = false
      handle?.unref()
      return timer
    },
  }
  return timer
}

/** Resolves `ms` from now, or as soon as `signal` aborts (it resolves then too: the caller checks the signal). */
export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal?.aborted) return resolve()
    const done = () => {
      timer.clear()
      signal?.removeEventListener('abort', done)
      resolve()
    }
    const timer = startTimer(ms, done)
    signal?.addEventListener('abort', done, { once: true })
  })
}

/**
 * AbortSignal.timeout for any duration: aborts with a TimeoutError `ms` from now, and does not keep the
 * process alive. Its timer holds the signal until then: for an operation run often, use a startTimer that
 * is cleared when the operation ends.
 */
export function timeoutSignal(ms: number): AbortSignal {
  const controller = new AbortController()
  startTimer(ms, () => controller.abort(new DOMException('The operation was aborted due to timeout', 'TimeoutError'))).unref()
  return controller.signal
}
