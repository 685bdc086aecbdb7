import { z } from 'zod'
import { formatPath } from '../../src/config/config-path.js'
import { configSchema } from '../../src/config/schema.js'
import { parseDuration } from '../../src/config-parts/units.js'

type Node = Record<string, unknown>

export interface DurationKey {
  /** Where it is in the schema, maps as `*`, lists as `[]`, union variants by their tag: `apps.*.triggers.*{kind=latency}.for`. */
  key: string
  /** Where it is in the configuration the keys were found in: `apps.staff.triggers.latency.for`. */
  path: (string | number)[]
  min: number
  max: number
}

const TAGS = ['kind', 'provider', 'type', 'step']

/**
 * Every duration key of the schema (each carries its range in the schema's metadata), found by walking the
 * schema beside `config`, one place in `config` per key: its last occurrence there (the last escalation
 * level, not the first, which must be 0s). `missing` lists the keys the schema has and `config` lacks.
 */
export function durationKeys(config: unknown): { keys: DurationKey[]; missing: string[] } {
  const schema = z.toJSONSchema(configSchema, { io: 'input', target: 'draft-2020-12', unrepresentable: 'any' }) as Node
  const found = new Map<string, DurationKey>()
  const all = new Set<string>()
  const walk = (node: Node, value: unknown, key: string, path: (string | number)[]) => {
    const range = node.durationRange as { min: string; max: string } | undefined
    if (range) {
      all.add(key)
      if (value !== undefined) found.set(key, { key, path, min: parseDuration(range.min)!, max: parseDuration(range.max)! })
      return
    }
    const obj = isNode(value) ? value : undefined
    for (const [name, child] of Object.entries((node.properties ?? {}) as Record<string, Node>)) {
      walk(child, obj?.[name], key ? `${key}.${name}` : name, [...path, name])
    }
    if (isNode(node.additionalProperties)) {
      const entries = obj ? Object.entries(obj) : []
      walk(node.additionalProperties, undefined, `${key}.*`, path)
      for (const [name, v] of entries) walk(node.additionalProperties, v, `${key}.*`, [...path, name])
    }
    if (isNode(node.items)) {
      walk(node.items, undefined, `${key}[]`, path)
      if (Array.isArray(value)) value.forEach((v, i) => walk(node.items as Node, v, `${key}[]`, [...path, i]))
    }
    for (const variant of (node.anyOf ?? node.oneOf ?? []) as Node[]) {
      const tag = TAGS.find((t) => isNode(variant.properties) && isNode(variant.properties[t]) && 'const' in variant.properties[t])
      const tagValue = tag ? ((variant.properties as Node)[tag] as Node).const : undefined
      const matches = tag === undefined || (obj !== undefined && obj[tag] === tagValue)
      walk(variant, matches ? value : undefined, tag ? `${key}{${tag}=${String(tagValue)}}` : key, path)
    }
  }
  walk(schema, config, '', [])
  return { keys: [...found.values()], missing: [...all].filter((k) => !found.has(k)) }
}

export const keyPath = (k: DurationKey) => formatPath(k.path)

function isNode(v: unknown): v is Node {
  return typeof v === 'object' && v !== null && !Array.isArray(v)
}
