import { asError } from './errors.js'

/**
 * How many units of work (a batch of small files for the file pool, or one big file) a tree operation has
 * in progress. Enough to keep up to four pool workers busy with one batch queued each; more only holds
 * more memory (measured: 12 in flight was no faster than 8 and held 50 MB more during a restore).
 */
export const UNITS_IN_FLIGHT = 8

/**
 * Bytes of file content a tree operation may hold at once, summed over the units in flight. A big file
 * weighs one chunk, since it is read or written one chunk at a time; a pool batch weighs its files.
 */
export const BYTES_IN_FLIGHT = 16 * 1024 * 1024

export interface BoundedOptions<T> {
  /** Most items in progress at once (default UNITS_IN_FLIGHT, the file tree's; other callers pass their own). */
  concurrency?: number
  /** Most weight in progress at once (default BYTES_IN_FLIGHT); one item alone may exceed it. */
  maxWeight?: number
  weight?: (item: T) => number
}

/**
 * `fn` over `items` with at most `concurrency` calls (and `maxWeight`) in progress, started in item order;
 * results in item order whatever the finishing order. On the first failure nothing new starts, the calls in
 * progress are waited for (no work outlives the call), and that first failure is thrown.
 */
export function mapBounded<T, R>(
  items: readonly T[],
  fn: (item: T, index: number) => Promise<R>,
  options: BoundedOptions<T> = {},
): Promise<R[]> {
  const concurrency = Math.max(1, options.concurrency ?? UNITS_IN_FLIGHT)
  const maxWeight = options.maxWeight ?? BYTES_IN_FLIGHT
  const weightOf = options.weight ?? (() => 0)
  const results = new Array<R>(items.length)
  return new Promise((resolve, reject) => {
    let next = 0
    let running = 0
    let weight = 0
    let failure: { err: unknown } | undefined
    const pump = (): void => {
      while (!failure && next < items.length && running < concurrency) {
        const index = next
        const w = weightOf(items[index]!)
        // An item heavier than the budget still runs, alone, rather than never.
        if (running > 0 && weight + w > maxWeight) break
        next++
        running++
        weight += w
        start(fn, items[index]!, index)
          .then(
            (r) => {
              results[index] = r
            },
            (err: unknown) => {
              failure ??= { err }
            },
          )
          .finally(() => {
            running--
            weight -= w
            pump()
          })
      }
      if (running > 0) return
      if (failure) reject(asError(failure.err))
      else if (next >= items.length) resolve(results)
    }
    pump()
  })
}

/** A synchronous throw becomes a rejection, so it is handled like any other failure. */
function start<T, R>(fn: (item: T, index: number) => Promise<R>, item: T, index: number): Promise<R> {
  try {
    return fn(item, index)
  } catch (err) {
    return Promise.reject(asError(err))
  }
}
