import { z } from 'zod'
import { configSchema } from './schema.js'

type JsonSchema = Record<string, unknown>

/**
 * The JSON Schema of lastgood.yaml as people write it (the input side: `30s`, not 30000), generated from
 * the same zod schema that validates it, so editors and the reference never drift from the code.
 *
 * Values are interpolated (`${VAR:-default}`) before lastgood validates them, so wherever a value is
 * constrained (a pattern, a format, a range, a list of values) the schema also accepts a string holding `${`:
 * an editor must not flag the example's `interval: ${CLINIC_HEALTH_INTERVAL:-30s}` or
 * `webhook_url: ${SLACK_IT_WEBHOOK_URL:-https://…}`. Cross-field rules (a validation window long enough for
 * its passes, unique check names, names that must point at a configured channel or app) are checked by
 * lastgood only, and so is a duration's range: no standard keyword bounds a string such as `30d`, so each
 * duration's description ends with its range instead. JSON Schema draft 2020-12.
 */
export function configJsonSchema(): JsonSchema {
  const schema = z.toJSONSchema(configSchema, {
    io: 'input',
    target: 'draft-2020-12',
    unrepresentable: 'any',
    override: ({ zodSchema, jsonSchema }) => {
      // `format: uri` alone would accept ftp://; a URL field says which schemes lastgood takes.
      const protocol = (zodSchema._zod.def as { protocol?: unknown }).protocol
      if (jsonSchema.format === 'uri' && protocol instanceof RegExp) {
        jsonSchema.pattern = `^(?:${protocol.source.replace(/^\^|\$$/g, '')}):`
      }
    },
  })
  return allowInterpolation(schema, true)
}

/**
 * The schema as a file: what `lastgood config schema` prints and `lastgood init` writes beside the config.
 * Not passed through redaction: it holds no secret, and descriptions that mention secrets must read whole.
 */
export function configJsonSchemaText(): string {
  return `${JSON.stringify(configJsonSchema(), null, 2)}\n`
}

const INTERPOLATED = { type: 'string', pattern: '\\$\\{' }
const ANNOTATIONS = ['description', 'default', 'title']

function allowInterpolation(node: JsonSchema, root = false): JsonSchema {
  const out: JsonSchema = {}
  for (const [key, value] of Object.entries(node)) out[key] = mapChildren(key, value)
  if (root) return out
  if (isObject(out.durationRange)) {
    const range = `Range: ${String(out.durationRange.min)} to ${String(out.durationRange.max)}.`
    out.description = typeof out.description === 'string' ? `${out.description} ${range}` : range
    delete out.durationRange
  }
  if (out.type === 'string' && typeof out.pattern === 'string' && out.format === undefined) {
    return { ...out, pattern: `(?:${out.pattern})|\\$\\{` }
  }
  // A format (uri, email) cannot be widened like a pattern: `${SLACK_WEBHOOK_URL}` is no URI.
  const formatted = out.type === 'string' && out.format !== undefined
  if (formatted || out.type === 'integer' || out.type === 'number' || out.type === 'boolean' || Array.isArray(out.enum)) {
    const annotations: JsonSchema = {}
    const rest: JsonSchema = {}
    for (const [key, value] of Object.entries(out)) (ANNOTATIONS.includes(key) ? annotations : rest)[key] = value
    return { ...annotations, anyOf: [rest, INTERPOLATED] }
  }
  return out
}

function mapChildren(key: string, value: unknown): unknown {
  if (key === 'properties' && isObject(value)) {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, isObject(v) ? allowInterpolation(v) : v]))
  }
  // Map keys (propertyNames) are names, never interpolated.
  if (key === 'propertyNames') return value
  if ((key === 'items' || key === 'additionalProperties') && isObject(value)) return allowInterpolation(value)
  if ((key === 'anyOf' || key === 'oneOf' || key === 'allOf') && Array.isArray(value)) {
    return value.map((v: unknown) => (isObject(v) ? allowInterpolation(v) : v))
  }
  return value
}

function isObject(value: unknown): value is JsonSchema {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
}
