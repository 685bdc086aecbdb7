import { type Document, isAlias, isMap, isScalar, isSeq, type LineCounter, type Node, type Pair, type YAMLMap } from 'yaml'
import type { ConfigPath } from './config-path.js'

export interface Position {
  line: number
  column: number
}

/**
 * Where a config path is in the YAML source: its value, or its key when `atKey` (for unknown keys). A path
 * that does not exist there (a missing key) points at the key of the nearest parent that does: a missing
 * `apps.staff.priority` points at `staff:`.
 */
export function locate(doc: Document, lines: LineCounter, path: ConfigPath, atKey = false): Position | undefined {
  let node: unknown = doc.contents
  let found = positionOf(node, lines)
  let parent = found
  for (const [i, seg] of path.entries()) {
    if (isAlias(node)) node = node.resolve(doc)
    const last = i === path.length - 1
    if (isMap(node)) {
      const pair = keyIndex(node).get(String(seg))
      if (!pair) return parent
      parent = positionOf(pair.key, lines) ?? parent
      node = last && atKey ? pair.key : (pair.value ?? pair.key)
    } else if (isSeq(node) && typeof seg === 'number' && node.items[seg] !== undefined) {
      node = node.items[seg]
      parent = positionOf(node, lines) ?? parent
    } else {
      return parent
    }
    found = positionOf(node, lines) ?? found
  }
  return found
}

// A file with 50,000 unknown keys has 50,000 issues in one mapping: looking each up by scanning the mapping
// would take quadratic time, so each mapping's keys are indexed once.
const indexes = new WeakMap<YAMLMap, Map<string, Pair>>()

function keyIndex(map: YAMLMap): Map<string, Pair> {
  let index = indexes.get(map)
  if (!index) {
    index = new Map()
    for (const pair of map.items) {
      const key = isScalar(pair.key) ? String(pair.key.value) : undefined
      // The first of two equal keys, as a scan would find (the second is a duplicate-key error anyway).
      if (key !== undefined && !index.has(key)) index.set(key, pair)
    }
    indexes.set(map, index)
  }
  return index
}

function positionOf(node: unknown, lines: LineCounter): Position | undefined {
  const range = (node as Node | null | undefined)?.range
  if (!range) return undefined
  const { line, col } = lines.linePos(range[0])
  return { line, column: col }
}
