/**
 * A function whose module, and everything that module imports, is imported at its first call rather than
 * when its caller's module is: `restore: onDemand(async () => (await import('./restore-release.js')).restoreRelease)`.
 * Plug-ins and commands keep a light surface every command loads and put their heavy code behind it, so a
 * command pays only for what it runs (a status loads no capture or restore code, a --help no core at all).
 */
export function onDemand<A extends unknown[], R>(load: () => Promise<(...args: A) => Promise<R>>): (...args: A) => Promise<R> {
  return async (...args) => (await load())(...args)
}
