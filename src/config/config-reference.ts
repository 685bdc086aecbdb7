import { valueText } from '../core/value-text.js'
import { configJsonSchema } from './json-schema.js'

type Node = Record<string, unknown>

interface Row {
  key: string
  type: string
  default: string
  description: string
}

/** Kinds of a union's variants are told apart by one of these keys. */
const DISCRIMINATORS = ['provider', 'type', 'kind', 'step', 'source']

/**
 * Every key of lastgood.yaml as a Markdown table (key, type, default, range and description), walked from the
 * JSON Schema, which is generated from the zod schema that validates the file: the reference cannot drift from
 * the code. `docs/configuration.md` is this output; a test keeps it so.
 */
export function configReference(): string {
  const rows: Row[] = []
  walk(configJsonSchema(), '', rows)
  const cell = (text: string) => text.replaceAll('|', '\\|').replaceAll('\n', ' ')
  // `<state_dir>` outside code would read as an HTML tag.
  const prose = (text: string) =>
    cell(text)
      .split('`')
      .map((part, i) => (i % 2 === 0 ? part.replaceAll('<', '&lt;').replaceAll('>', '&gt;') : part))
      .join('`')
  return [
    '# Configuration reference',
    '',
    'Every key of `lastgood.yaml`, generated from the schema that validates it (`lastgood config reference`).',
    '`<name>` stands for a name you choose; a key marked with a kind (`provider: command`) belongs to that kind only.',
    'Durations are written `500ms`, `30s`, `5m`, `2h`, `30d` or combined (`1h30m`); any value may use `${VAR}` or',
    '`${VAR:-default}` from the environment. `lastgood config schema` prints the same as a JSON Schema for editors.',
    '',
    '| key | type | default | description |',
    '|---|---|---|---|',
    ...rows.map((r) => `| \`${cell(r.key)}\` | ${cell(r.type)} | ${r.default ? `\`${cell(r.default)}\`` : ''} | ${prose(r.description)} |`),
    '',
  ].join('\n')
}

/** `kind` names the union variant the key belongs to, shown after the whole key. */
function walk(node: Node, path: string, rows: Row[], kind = ''): void {
  const plain = withoutInterpolation(node)
  if (path)
    rows.push({
      key: path + kind,
      type: typeOf(plain),
      default: defaultOf(node),
      description: typeof node.description === 'string' ? node.description : '',
    })
  const properties = plain.properties as Record<string, Node> | undefined
  if (properties) for (const [key, child] of Object.entries(properties)) walk(child, path ? `${path}.${key}` : key, rows, kind)
  const map = plain.additionalProperties
  if (map && typeof map === 'object') walk(map as Node, `${path}.<name>`, rows, kind)
  const items = plain.items as Node | undefined
  if (items && typeof items === 'object' && (items.properties || items.oneOf || items.anyOf)) walk(items, `${path}[]`, rows, kind)
  for (const variant of variants(plain)) {
    const props = (variant.properties ?? {}) as Record<string, Node>
    const key = DISCRIMINATORS.find((k) => props[k]?.const !== undefined)
    const label = key ? ` (${key}: ${String(props[key]!.const)})` : ''
    for (const [name, child] of Object.entries(props)) {
      if (name === key) continue
      walk(child, `${path}.${name}`, rows, label || kind)
    }
  }
}

/** The object variants of a union (a discriminated union of component, channel or step kinds). */
function variants(node: Node): Node[] {
  const union = (node.oneOf ?? node.anyOf) as Node[] | undefined
  return union?.filter((v) => v.type === 'object' && v.properties) ?? []
}

/** A value lastgood interpolates is also allowed as a `${…}` string: the reference shows the real type. */
function withoutInterpolation(node: Node): Node {
  const union = node.anyOf as Node[] | undefined
  if (!union) return node
  const real = union.filter((v) => !(v.type === 'string' && typeof v.pattern === 'string' && v.pattern === '\\$\\{'))
  return real.length === 1 ? { ...node, ...real[0] } : node
}

function typeOf(node: Node): string {
  if (node.const !== undefined) return `\`${valueText(node.const)}\``
  if (Array.isArray(node.enum)) return (node.enum as unknown[]).map((v) => `\`${String(v)}\``).join(', ')
  if (typeof node.pattern === 'string' && node.pattern.includes('ms|d|h|m|s')) return 'duration'
  const union = variants(node)
  if (union.length > 0) return 'one of the kinds below'
  const type = node.type
  if (type === 'integer' || type === 'number') {
    const min = node.minimum ?? node.exclusiveMinimum
    const max = node.maximum ?? node.exclusiveMaximum
    const range = [
      min !== undefined ? `≥ ${valueText(min)}` : '',
      max !== undefined && Number(max) < Number.MAX_SAFE_INTEGER ? `≤ ${valueText(max)}` : '',
    ]
    return [String(type), ...range.filter(Boolean)].join(' ')
  }
  if (type === 'object') return node.additionalProperties && typeof node.additionalProperties === 'object' ? 'map of names' : 'mapping'
  if (type === 'array') {
    const items = node.items as Node | undefined
    return items ? `list of ${typeOf(withoutInterpolation(items))}` : 'list'
  }
  if (typeof type === 'string') return type
  const anyOf = node.anyOf as Node[] | undefined
  return anyOf ? anyOf.map((v) => typeOf(withoutInterpolation(v))).join(' or ') : 'any'
}

function defaultOf(node: Node): string {
  const d = node.default
  if (d === undefined || (typeof d === 'object' && d !== null && Object.keys(d).length === 0)) return ''
  return typeof d === 'string' ? d : JSON.stringify(d)
}
