/**
 * The first SIGINT or SIGTERM aborts `signal`, its reason an Error naming the signal, instead of killing the
 * process: the command finishes the step in progress or journals where it stopped, says so, and exits. A
 * second one kills as usual (the handlers are gone by then). dispose() removes the handlers.
 */
export function stopOnSignal(): { signal: AbortSignal; dispose: () => void } {
  const abort = new AbortController()
  const on = (s: NodeJS.Signals) => {
    dispose()
    abort.abort(new Error(s))
  }
  function dispose() {
    process.off('SIGINT', on)
    process.off('SIGTERM', on)
  }
  process.once('SIGINT', on)
  process.once('SIGTERM', on)
  return { signal: abort.signal, dispose }
}

/** Runs `fn` with a stop signal for Ctrl-C (see stopOnSignal), its handlers removed when it settles. */
export async function untilStopped<T>(fn: (stop: AbortSignal) => Promise<T>): Promise<T> {
  const { signal, dispose } = stopOnSignal()
  try {
    return await fn(signal)
  } finally {
    dispose()
  }
}
