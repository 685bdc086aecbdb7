import { z } from 'zod'
import { expected, intSchema, strictObject, textSchema } from '../../config-parts/schema-helpers.js'
import { ageSchema, positiveDurationSchema } from '../../config-parts/units.js'
import { dataSchema, shellCommandSchema } from '../component-options.js'
import type { ProviderCapabilities, ResolveContext } from '../provider-factory.js'

export const KIND = 'local-release'

export const capabilities: ProviderCapabilities = {
  capturesFiles: true,
  data: false,
  restartsAfterRestore: true,
  hasNativeHistory: false,
}

/** `user`, `user:group`, names or numeric ids (a name may end in $, as machine accounts do). */
const OWNER_PATTERN = /^[A-Za-z0-9_][A-Za-z0-9_.-]*\$?(:[A-Za-z0-9_][A-Za-z0-9_.-]*\$?)?$/

/** The component's options in lastgood.yaml. */
export const configSchema = strictObject({
  provider: z.literal(KIND).describe('A release directory and a `current` symlink.'),
  path: textSchema('a directory path such as ./apps/staff').describe(
    'Deploy root holding the releases directory and the current symlink; relative to the config file.',
  ),
  releases_dir: textSchema('a directory name such as releases').default('releases').describe('Directory of releases, relative to path.'),
  current_link: textSchema('a symlink name such as current').default('current').describe('Symlink to the live release, relative to path.'),
  restart: shellCommandSchema('restarts or reloads the app').optional().describe('Shell command run after the switch, in path.'),
  restart_timeout: positiveDurationSchema().prefault('60s').describe('Timeout of the restart command.'),
  links_allowed_into: z
    .array(textSchema('a directory path such as shared/'), { error: expected('a list of directory paths') })
    .optional()
    .describe(
      'Directories, relative to path, that symlinks of a release may point into; they are kept as links and what they ' +
        'point to is not captured. Default: [shared/] when path holds shared/ (Capistrano linked_files and linked_dirs), else none.',
    ),
  owner: z
    .string({ error: expected('an owner such as deploy:deploy') })
    .regex(OWNER_PATTERN, { error: expected('an owner such as deploy:deploy (user, or user:group; names or numeric ids)') })
    .optional()
    .describe(
      'Owner given to every file of a restored release (user:group, or user for its primary group); default: the owner ' +
        'recorded at capture. Either needs lastgood to run as root.',
    ),
  displaced: strictObject({
    keep_last: intSchema(0, 1000).optional().describe('Displaced copies kept, newest first; default 2.'),
    keep_within: ageSchema().optional().describe('Displaced copies older than this are removed; default 7d.'),
  })
    .optional()
    .describe(
      'Retention of <release>.displaced-<time>, a release directory that differed from its snapshot and was moved ' +
        'aside by a restore: a copy is kept while it is among the newest keep_last and younger than keep_within; ' +
        'the rest are removed at the end of each restore.',
    ),
  data: dataSchema(capabilities.data),
})

export interface LocalReleaseComponent {
  name: string
  provider: typeof KIND
  /** Absolute path of the deploy root that holds releases/ and the current symlink. */
  path: string
  releasesDir: string
  currentLink: string
  /** Shell command run after the switch (restart or reload), with cwd = path. */
  restart?: string
  restartTimeoutMs: number
  /** Absolute directories a release's symlinks may point into; absent: `<path>/shared` when it exists. */
  linksAllowedInto?: string[]
  /** `user`, `user:group` (names or ids) given to every restored file, over the owner captured. */
  owner?: string
  /**
   * Retention of displaced release copies: kept while among the newest keepLast and younger than keepWithinMs.
   * Absent: the defaults (DEFAULT_DISPLACED in displaced-copies.ts).
   */
  displaced?: { keepLast?: number; keepWithinMs?: number }
  /** Restored by a data-corruption runbook's restore_data step. */
  data?: boolean
}

/** The YAML options resolved: durations in milliseconds, paths absolute (relative to the config file, links to path). */
export function resolveLocalRelease(name: string, c: z.output<typeof configSchema>, ctx: ResolveContext): LocalReleaseComponent {
  const root = ctx.resolvePath(ctx.dir, c.path)
  return {
    name,
    provider: KIND,
    path: root,
    releasesDir: c.releases_dir,
    currentLink: c.current_link,
    ...(c.restart !== undefined ? { restart: c.restart } : {}),
    restartTimeoutMs: c.restart_timeout,
    ...(c.links_allowed_into ? { linksAllowedInto: c.links_allowed_into.map((p) => ctx.resolvePath(root, p)) } : {}),
    ...(c.owner !== undefined ? { owner: c.owner } : {}),
    ...(c.displaced ? { displaced: resolveDisplaced(c.displaced) } : {}),
    ...(c.data ? { data: true } : {}),
  }
}

function resolveDisplaced(d: { keep_last?: number | undefined; keep_within?: number | undefined }): LocalReleaseComponent['displaced'] {
  return {
    ...(d.keep_last !== undefined ? { keepLast: d.keep_last } : {}),
    ...(d.keep_within !== undefined ? { keepWithinMs: d.keep_within } : {}),
  }
}
