import path from 'node:path'
import { type Document, isMap, isScalar, isSeq, LineCounter, parseDocument } from 'yaml'
import { type ConfigIssue, ConfigError, listedIssues } from './config-error.js'
import { formatPath } from './config-path.js'
import { issuesFromZod, issueText, type PathIssue } from './format-issues.js'
import type { Env } from './interpolate.js'
import { interpolateDocument } from './interpolate-document.js'
import { resolveConfig } from './resolve-config.js'
import { configSchema } from './schema.js'
import type { ResolvedConfig } from './types.js'
import { locate } from './yaml-locate.js'
import { messageOf } from '../core/errors.js'

/**
 * Parses, interpolates, validates and resolves the text of a configuration file, without touching the disk:
 * `file` is where the text came from (shown in errors as given; resolved against the working directory for
 * ResolvedConfig.file and for relative paths). Throws one ConfigError listing every problem.
 */
export function parseConfigText(text: string, file: string, env: Env = process.env): ResolvedConfig {
  const lines = new LineCounter()
  // The yaml package checks unique keys by scanning the mapping for every key (quadratic: minutes for 50,000
  // keys); duplicateKeys does it in one pass, with the same message.
  const doc = parseDocument(text, { lineCounter: lines, merge: true, prettyErrors: false, uniqueKeys: false })
  const syntax = [
    ...doc.errors.map((err) => ({ pos: err.pos[0], message: syntaxMessage(err.code, err.message) })),
    ...duplicateKeys(doc.contents).map((pos) => ({ pos, message: 'Map keys must be unique' })),
  ]
  if (syntax.length > 0) {
    throw new ConfigError(
      file,
      listedIssues(
        syntax.sort((a, b) => a.pos - b.pos),
        (err) => {
          const { line, col } = lines.linePos(err.pos)
          return { path: '', message: `YAML syntax error: ${err.message}`, line, column: col }
        },
      ),
    )
  }

  const interpolation = interpolateDocument(doc, env)
  let data: unknown
  try {
    data = doc.toJS({ maxAliasCount: 1000 })
  } catch (err) {
    throw new ConfigError(file, [{ path: '', message: `YAML error: ${messageOf(err)}` }])
  }

  // Parsed once per process: zod's compiling each object schema into a function first (its JIT) costs more
  // than it saves on a single parse (about half the validation time of the clinic example).
  const parsed = configSchema.safeParse(data, { reportInput: true, jitless: true })
  // A value whose interpolation failed was not really checked: report the interpolation problem only.
  const failed = new Set(interpolation.issues.map((i) => formatPath(i.path)))
  const schemaIssues = parsed.success ? [] : issuesFromZod(parsed.error.issues).filter((i) => !failed.has(formatPath(i.path)))
  const problems = [...interpolation.issues, ...schemaIssues]
  if (problems.length > 0 || !parsed.success) {
    throw new ConfigError(file, placeIssues(problems, doc, lines, interpolation.sources))
  }
  const orders = componentOrders(doc)
  return resolveConfig(parsed.data, path.resolve(file), { componentOrder: (app) => orders.get(app) })
}

function placeIssues(issues: PathIssue[], doc: Document, lines: LineCounter, sources: Map<string, string>): ConfigIssue[] {
  const placed = issues
    .map((issue) => ({ issue, pos: locate(doc, lines, issue.path, issue.atKey) }))
    .sort((a, b) => (a.pos?.line ?? 0) - (b.pos?.line ?? 0) || (a.pos?.column ?? 0) - (b.pos?.column ?? 0))
  return listedIssues(placed, ({ issue, pos }) => {
    const where = formatPath(issue.path)
    return {
      path: where,
      message: issueText(issue, issue.atKey ? undefined : sources.get(where)),
      ...(pos ? { line: pos.line, column: pos.column } : {}),
    }
  })
}

/** Offsets of every key that repeats an earlier scalar key of its mapping (`<<` merge keys may repeat). */
function duplicateKeys(root: unknown): number[] {
  const found: number[] = []
  const visit = (node: unknown): void => {
    if (isMap(node)) {
      const seen = new Set<unknown>()
      for (const pair of node.items) {
        if (isScalar(pair.key) && pair.key.value !== '<<') {
          if (seen.has(pair.key.value)) found.push(pair.key.range?.[0] ?? 0)
          seen.add(pair.key.value)
        }
        visit(pair.value)
      }
    } else if (isSeq(node)) {
      for (const item of node.items) visit(item)
    }
  }
  visit(root)
  return found
}

function syntaxMessage(code: string, message: string): string {
  if (code === 'MULTIPLE_DOCS') return 'expected one YAML document, found several (a second "---")'
  // The yaml package reads nested collections recursively and reports the stack running out as an error.
  if (message.includes('call stack')) return 'nested too deeply; expected a configuration a few levels deep'
  return message.split('\n')[0]!.replace(/:$/, '')
}

/**
 * Component names of each app as written, for the restore order (see ResolveOptions.componentOrder). Read in
 * one pass over the apps: looking each app up by name would scan the apps once per app.
 */
function componentOrders(doc: Document): Map<string, string[]> {
  const orders = new Map<string, string[]>()
  const apps = doc.get('apps', true)
  if (!isMap(apps)) return orders
  for (const app of apps.items) {
    const components = isMap(app.value) ? app.value.get('components', true) : undefined
    if (isMap(components))
      orders.set(
        keyText(app.key),
        components.items.map((pair) => keyText(pair.key)),
      )
  }
  return orders
}

function keyText(key: unknown): string {
  return isScalar(key) ? String(key.value) : String(key)
}
