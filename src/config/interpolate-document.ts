import { type Document, isMap, isScalar, isSeq, parse, Scalar } from 'yaml'
import { type ConfigPath, formatPath } from './config-path.js'
import type { PathIssue } from './format-issues.js'
import { type Env, interpolate } from './interpolate.js'

export interface DocumentInterpolation {
  issues: PathIssue[]
  /** Text before interpolation, by formatted path, for the values interpolation changed. */
  sources: Map<string, string>
}

/**
 * Interpolates every string value of a YAML document in place (keys are left alone: they are names, not
 * settings). A plain (unquoted) scalar is read again as YAML after interpolation, so `priority: ${P:-1}` is
 * the number 1 as `priority: 1` would be; a quoted one stays a string. Aliases share their anchor's node, so
 * each value is interpolated once, where it is written.
 */
export function interpolateDocument(doc: Document, env: Env): DocumentInterpolation {
  const result: DocumentInterpolation = { issues: [], sources: new Map() }
  walk(doc.contents, [], env, result)
  return result
}

function walk(node: unknown, path: ConfigPath, env: Env, result: DocumentInterpolation): void {
  if (isMap(node)) {
    for (const pair of node.items) {
      const key = isScalar(pair.key) ? String(pair.key.value) : String(pair.key)
      walk(pair.value, [...path, key], env, result)
    }
  } else if (isSeq(node)) {
    node.items.forEach((item, i) => walk(item, [...path, i], env, result))
  } else if (isScalar(node) && typeof node.value === 'string') {
    const source = node.value
    const out = interpolate(source, env)
    if (!out.ok) {
      result.issues.push({ path, message: out.error, got: out.got })
      return
    }
    if (!out.changed) return
    result.sources.set(formatPath(path), source)
    node.value = node.type === Scalar.PLAIN ? reread(out.value) : out.value
  }
}

/**
 * Numbers and booleans come back typed; anything else (including an empty result) stays the string. One word
 * that starts with a letter no number or boolean starts with (t and f can: true, false) can only read as
 * itself, so it is not parsed: a configuration of hundreds of apps interpolates a URL into each.
 */
function reread(text: string): unknown {
  if (NEITHER_NUMBER_NOR_BOOLEAN.test(text)) return text
  try {
    const value: unknown = parse(text)
    return typeof value === 'number' || typeof value === 'boolean' ? value : text
  } catch {
    return text
  }
}

const NEITHER_NUMBER_NOR_BOOLEAN = /^[a-eg-su-zA-EG-SU-Z]\S*$/
