import { readFile } from 'node:fs/promises'
import path from 'node:path'
import { describe, expect, it } from 'vitest'
import { parse } from 'yaml'
import { configJsonSchema } from '../../src/config/json-schema.js'
import { MINIMAL } from './temp-config.js'

const EXAMPLE = path.resolve(import.meta.dirname, '../../examples/clinic/lastgood.yaml')

type Schema = Record<string, any>

describe('configJsonSchema', () => {
  const schema = configJsonSchema()

  it('is a JSON Schema of an object with the required keys', () => {
    expect(schema.$schema).toBe('https://json-schema.org/draft/2020-12/schema')
    expect(schema).toMatchObject({ type: 'object', required: ['platform', 'apps'], additionalProperties: false })
    expect(Object.keys(schema.properties as object)).toEqual(['version', 'platform', 'state_dir', 'database', 'repository', 'audit', 'defaults', 'monitor', 'prometheus', 'objectives', 'notifications', 'escalation', 'continuity', 'runbooks', 'apps'])
    expect(JSON.parse(JSON.stringify(schema))).toEqual(schema)
  })

  it('describes the fields, with their defaults, as people write them', () => {
    const s = schema as Schema
    expect(s.description).toMatch(/Configuration of one lastgood platform/)
    const app = s.properties.apps.additionalProperties
    expect(app.properties.priority.description).toBe('Recovery priority: 1 is restored first.')
    expect(app.required).toEqual(['priority', 'components'])
    const interval = s.properties.defaults.properties.health.properties.interval
    expect(interval).toMatchObject({ description: 'Time between two probes of an app. Range: 1ms to 365d.', default: '30s', type: 'string' })
    const validation = s.properties.defaults.properties.rollback.properties.validation.properties
    expect([validation.window.default, validation.passes.default, validation.interval.default]).toEqual(['2m', 3, '2s'])
    const providers = app.properties.components.additionalProperties.oneOf.map((o: Schema) => o.properties.provider.const)
    expect(providers).toEqual(['local-release', 'command'])
    // Every property of every object says what it is.
    const undocumented: string[] = []
    let count = 0
    walkProperties(s, '', (where, prop) => {
      count++
      if (!prop.description) undocumented.push(where)
    })
    expect(undocumented).toEqual([])
    expect(count).toBeGreaterThan(50)
  })

  it('accepts the example as written, ${…} included', async () => {
    const example: unknown = parse(await readFile(EXAMPLE, 'utf8'))
    expect(validate(schema, example)).toEqual([])
    expect(validate(schema, parse(MINIMAL))).toEqual([])
  })

  it('rejects what lastgood rejects: unknown keys, providers, bad units, missing keys', () => {
    const bad = parse(MINIMAL) as Schema
    bad.apps.staff.helth = {}
    bad.apps.staff.components.release.provider = 'docker'
    bad.apps.staff.priority = 0
    bad.defaults = { health: { interval: 'thirty' } }
    delete bad.platform
    expect(validate(schema, bad).sort()).toEqual([
      '/: missing platform',
      '/apps/staff/components/release: no oneOf branch matches',
      '/apps/staff/helth: not allowed',
      '/apps/staff/priority: no anyOf branch matches',
      '/defaults/health/interval: does not match pattern',
    ])
  })
})

function walkProperties(schema: Schema, where: string, visit: (where: string, prop: Schema) => void): void {
  for (const [key, prop] of Object.entries((schema.properties ?? {}) as Record<string, Schema>)) {
    visit(`${where}.${key}`, prop)
    walkProperties(prop, `${where}.${key}`, visit)
  }
  for (const sub of ['items', 'additionalProperties'] as const) {
    if (schema[sub] && typeof schema[sub] === 'object') walkProperties(schema[sub] as Schema, `${where}[]`, visit)
  }
  for (const sub of (schema.oneOf ?? schema.anyOf ?? []) as Schema[]) walkProperties(sub, where, visit)
}

/**
 * A small JSON Schema validator for the keywords the generated schema uses, so the test needs no new
 * dependency. Returns one error per failed location.
 */
function validate(schema: Schema, value: unknown, at = ''): string[] {
  const where = at || '/'
  const errors: string[] = []
  const type = typeOf(value)
  if (schema.type !== undefined) {
    const types = Array.isArray(schema.type) ? schema.type : [schema.type]
    const ok = types.some((t: string) => t === type || (t === 'number' && type === 'integer'))
    if (!ok) return [`${where}: expected ${types.join('|')}, got ${type}`]
  }
  if ('const' in schema && value !== schema.const) errors.push(`${where}: not ${JSON.stringify(schema.const)}`)
  if (schema.enum && !schema.enum.includes(value)) errors.push(`${where}: not in enum`)
  if (typeof value === 'string') {
    if (schema.pattern && !new RegExp(schema.pattern, 'u').test(value)) errors.push(`${where}: does not match pattern`)
    if (schema.minLength !== undefined && value.length < schema.minLength) errors.push(`${where}: too short`)
    if (schema.maxLength !== undefined && value.length > schema.maxLength) errors.push(`${where}: too long`)
  }
  if (typeof value === 'number') {
    if (schema.minimum !== undefined && value < schema.minimum) errors.push(`${where}: below minimum`)
    if (schema.maximum !== undefined && value > schema.maximum) errors.push(`${where}: above maximum`)
  }
  if (Array.isArray(value)) {
    if (schema.minItems !== undefined && value.length < schema.minItems) errors.push(`${where}: too few items`)
    if (schema.items) value.forEach((v, i) => errors.push(...validate(schema.items, v, `${at}/${i}`)))
  }
  if (type === 'object') {
    const obj = value as Record<string, unknown>
    for (const key of schema.required ?? []) if (!(key in obj)) errors.push(`${where}: missing ${key}`)
    for (const [key, v] of Object.entries(obj)) {
      if (schema.propertyNames) errors.push(...validate(schema.propertyNames, key, `${at}/${key}(name)`))
      if (schema.properties && key in schema.properties) errors.push(...validate(schema.properties[key], v, `${at}/${key}`))
      else if (schema.additionalProperties === false) errors.push(`${at}/${key}: not allowed`)
      else if (typeof schema.additionalProperties === 'object') errors.push(...validate(schema.additionalProperties, v, `${at}/${key}`))
    }
  }
  if (schema.anyOf && !schema.anyOf.some((s: Schema) => validate(s, value, at).length === 0)) errors.push(`${where}: no anyOf branch matches`)
  if (schema.oneOf && schema.oneOf.filter((s: Schema) => validate(s, value, at).length === 0).length !== 1) {
    errors.push(`${where}: no oneOf branch matches`)
  }
  return errors
}

function typeOf(value: unknown): string {
  if (value === null) return 'null'
  if (Array.isArray(value)) return 'array'
  if (typeof value === 'number') return Number.isInteger(value) ? 'integer' : 'number'
  return typeof value
}
