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
