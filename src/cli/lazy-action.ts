import { onDemand } from '../core/on-demand.js'
import { runAction } from './run-action.js'

/** What a command does: commander's arguments in (its arguments, its options, the command), an exit code out. */
export type Handler<A extends unknown[]> = (...args: A) => Promise<number | void>

/**
 * A command's action whose handler module is imported only when the command runs. The command files under
 * commands/ hold only their options and import nothing else, so `--help`, `--version` and usage errors load
 * commander alone, and each command loads only the core it uses:
 * `.action(lazyAction(async () => (await import('./status-run.js')).statusAction))`.
 */
export function lazyAction<A extends unknown[]>(load: () => Promise<Handler<A>>): (...args: A) => Promise<void> {
  const handler = onDemand(load)
  return (...args) => runAction(() => handler(...args))
}
