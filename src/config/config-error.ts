import { UserError } from '../core/errors.js'

/** One thing wrong with a configuration file, where it is and what was expected there. */
export interface ConfigIssue {
  /** Config path such as `apps.staff.health.interval`; empty for the file as a whole. */
  path: string
  /** What was expected and what was found, secrets masked: `expected a duration such as 30s, got "thirty"`. */
  message: string
  /** 1-based position in the file, when the path (or its nearest parent) exists there. */
  line?: number
  column?: number
}

/**
 * Every problem of a configuration file at once, one per line:
 * `lastgood.yaml:7:17: apps.staff.health.interval: expected a duration such as 30s, got "thirty"`.
 * `issues` carries the same lines as data, for `lastgood validate --json`.
 */
export class ConfigError extends UserError {
  constructor(
    readonly file: string,
    readonly issues: ConfigIssue[],
  ) {
    super(issues.map((issue) => formatIssue(file, issue)).join('\n'))
  }
}

export function formatIssue(file: string, issue: ConfigIssue): string {
  const where = issue.line === undefined ? file : `${file}:${issue.line}:${issue.column ?? 1}`
  return issue.path ? `${where}: ${issue.path}: ${issue.message}` : `${where}: ${issue.message}`
}

/** Problems listed at most: a file with 50,000 unknown keys needs the first few fixed, not 50,000 lines. */
export const MAX_LISTED_ISSUES = 100

/**
 * The first MAX_LISTED_ISSUES of `all` (in the order given) as issues, then one line saying how many more
 * there are; `toIssue` runs only for those listed.
 */
export function listedIssues<T>(all: readonly T[], toIssue: (item: T) => ConfigIssue): ConfigIssue[] {
  const listed = all.slice(0, MAX_LISTED_ISSUES).map(toIssue)
  const more = all.length - listed.length
  return more > 0 ? [...listed, { path: '', message: `and ${more} more problems like these, not listed` }] : listed
}
