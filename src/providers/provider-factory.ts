import type { z } from 'zod'
import type { Provider } from './provider.js'

/**
 * What sets a kind of provider apart, for the code around it: it asks these flags and never a kind's name.
 * Every flag is a fact about the kind, the same for each of its components.
 */
export interface ProviderCapabilities {
  /** Captures a directory tree file by file, so a capture may skip the files the previous one read (ctx.previous). */
  capturesFiles: boolean
  /** Default of a component's `data` option: whether a component of this kind holds data unless it says otherwise. */
  data: boolean
  /** A component may name a command run after the switch point that restarts the app (see restartCommand). */
  restartsAfterRestore: boolean
  /** The platform it deploys to keeps its own versions (Lambda aliases, Workers versions), not only lastgood's copies. */
  hasNativeHistory: boolean
}

/** The options every component has, whatever its kind, as the rest of lastgood sees them. */
export interface ComponentBase {
  name: string
  provider: string
  /** Restored by a data-corruption runbook's restore_data step; left out of rollbacks that do not name it. */
  data?: boolean
}

/** What a factory needs from the configuration to resolve a component's options. */
export interface ResolveContext {
  /** Directory of the configuration file. */
  dir: string
  /** Absolute path of `p` relative to `base`, by the configuration's rules (`~/` is the home directory). */
  resolvePath(base: string, p: string): string
}

/** A deploy root in the Capistrano layout: `<root>/<releasesDir>/<id>/` and `<root>/<currentLink>` pointing at one. */
export interface ReleaseDirectory {
  root: string
  releasesDir: string
  currentLink: string
}

/**
 * One kind of component. `configSchema` validates the component's YAML options (snake_case, units as people
 * write them, with `provider: z.literal(kind)`); `resolve` turns them into the options `create()`'s provider
 * takes. The optional methods expose per-component facts to code that must not know the kind (runbooks,
 * the demo, drills); a kind leaves out what it does not have.
 */
export interface ProviderFactory<S extends z.ZodObject = z.ZodObject, C extends ComponentBase = ComponentBase> {
  readonly kind: C['provider']
  readonly capabilities: ProviderCapabilities
  readonly configSchema: S
  resolve(name: string, options: z.output<S>, ctx: ResolveContext): C
  create(): Provider<C>
  /** The command run after the switch point, when the component has one (restartsAfterRestore). */
  restartCommand?(c: C): string | undefined
  /** Where a deploy tool writes a release of the component, for kinds that deploy as release directories. */
  releaseDirectory?(c: C): ReleaseDirectory
  /** Working directory and extra environment of the component's shell commands, for kinds that run them. */
  shellEnvironment?(c: C): { cwd: string; env: Record<string, string> }
}

/** Checks a factory against the interface and keeps its exact types (schema and component) for the registry. */
export function defineProvider<S extends z.ZodObject, C extends ComponentBase>(factory: ProviderFactory<S, C>): ProviderFactory<S, C> {
  return factory
}
