import path from 'node:path'
import { type Document, isMap, isScalar, LineCounter, parseDocument } from 'yaml'
import { type ConfigIssue, ConfigError } from './config-error.js'
import { formatPath } from './config-path.js'
import { issuesFromZod, issueText, type PathIssue } from './format-issues.js'
import type { Env } from './interpolate.js'
import { interpolateDocument } from './interpolate-document.js'
import { resolveConfig } from './resolve-config.js'
import { configSchema } from './schema.js'
import type { ResolvedConfig } from './types.js'
import { locate } from './yaml-locate.js'

/**
 * Parses, interpolates, validates and resolves the text of a configuration file, without touching the disk:
 * `file` is where the text came from (shown in errors as given; resolved against the working directory for
 * ResolvedConfig.file and for relative paths). Throws one ConfigError listing every problem.
 */
export function parseConfigText(text: string, file: string, env: Env = process.env): ResolvedConfig {
  const lines = new LineCounter()
  const doc = parseDocument(text, { lineCounter: lines, merge: true, prettyErrors: false, uniqueKeys: true })
  if (doc.errors.length > 0) {
    throw new ConfigError(
      file,
      doc.errors.map((err) => {
        const { line, col } = lines.linePos(err.pos[0])
        return { path: '', message: `YAML syntax error: ${syntaxMessage(err.code, err.message)}`, line, column: col }
      }),
    )
  }

  const interpolation = interpolateDocument(doc, env)
  let data: unknown
  try {
    data = doc.toJS({ maxAliasCount: 1000 })
  } catch (err) {
    throw new ConfigError(file, [{ path: '', message: `YAML error: ${(err as Error).message}` }])
  }

  const parsed = configSchema.safeParse(data, { reportInput: true })
  // A value whose interpolation failed was not really checked: report the interpolation problem only.
  const failed = new Set(interpolation.issues.map((i) => formatPath(i.path)))
  const schemaIssues = parsed.success ? [] : issuesFromZod(parsed.error.issues).filter((i) => !failed.has(formatPath(i.path)))
  const problems = [...interpolation.issues, ...schemaIssues]
  if (problems.length > 0 || !parsed.success) {
    throw new ConfigError(file, placeIssues(problems, doc, lines, interpolation.sources))
  }
  return resolveConfig(parsed.data, path.resolve(file), { componentOrder: (app) => componentOrder(doc, app) })
}

function placeIssues(issues: PathIssue[], doc: Document, lines: LineCounter, sources: Map<string, string>): ConfigIssue[] {
  return issues
    .map((issue) => {
      const where = formatPath(issue.path)
      const pos = locate(doc, lines, issue.path, issue.atKey)
      return {
        path: where,
        message: issueText(issue, issue.atKey ? undefined : sources.get(where)),
        ...(pos ? { line: pos.line, column: pos.column } : {}),
      }
    })
    .sort((a, b) => (a.line ?? 0) - (b.line ?? 0) || (a.column ?? 0) - (b.column ?? 0))
}

function syntaxMessage(code: string, message: string): string {
  if (code === 'MULTIPLE_DOCS') return 'expected one YAML document, found several (a second "---")'
  return message.split('\n')[0]!.replace(/:$/, '')
}

/** Component names of an app as written, for the restore order (see ResolveOptions.componentOrder). */
function componentOrder(doc: Document, app: string): string[] | undefined {
  const components = doc.getIn(['apps', app, 'components'], true)
  if (!isMap(components)) return undefined
  return components.items.map((pair) => (isScalar(pair.key) ? String(pair.key.value) : String(pair.key)))
}
