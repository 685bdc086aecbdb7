import { execFile } from 'node:child_process'
import { readdir, readFile } from 'node:fs/promises'
import path from 'node:path'
import { promisify } from 'node:util'
import { Ajv2020, type ValidateFunction } from 'ajv/dist/2020.js'
import addFormats from 'ajv-formats'
import { describe, expect, it } from 'vitest'
import { parse } from 'yaml'
import { configJsonSchema } from '../../src/config/json-schema.js'
import { BAD_CONFIGS } from './bad-configs.js'
import { MINIMAL, tempDir } from './temp-config.js'

const EXAMPLES = path.resolve(import.meta.dirname, '../../examples')
const BIN = path.resolve(import.meta.dirname, '../../bin/lastgood.cjs')
const run = promisify(execFile)

type Schema = Record<string, any>

describe('configJsonSchema', () => {
  const schema = configJsonSchema()
  const validate = compile(schema)

  it('is a JSON Schema of an object with the required keys', () => {
    expect(schema.$schema).toBe('https://json-schema.org/draft/2020-12/schema')
    expect(schema).toMatchObject({ type: 'object', required: ['platform', 'apps'], additionalProperties: false })
    expect(Object.keys(schema.properties as object)).toEqual([
      'version',
      'platform',
      'state_dir',
      'database',
      'repository',
      'audit',
      'defaults',
      'monitor',
      'prometheus',
      'objectives',
      'environment',
      'decision_matrix',
      'approvals',
      'notifications',
      'escalation',
      'continuity',
      'runbooks',
      'schedules',
      'auth',
      'apps',
    ])
    expect(JSON.parse(JSON.stringify(schema))).toEqual(schema)
  })

  it('describes the fields, with their defaults, as people write them', () => {
    const s: Schema = schema
    expect(s.description).toMatch(/Configuration of one lastgood platform/)
    const app = s.properties.apps.additionalProperties
    expect(app.properties.priority.description).toBe('Recovery priority: 1 is restored first.')
    expect(app.required).toEqual(['priority', 'components'])
    const interval = s.properties.defaults.properties.health.properties.interval
    expect(interval).toMatchObject({
      description: 'Time between two probes of an app. Range: 1ms to 365d.',
      default: '30s',
      type: 'string',
    })
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

  it('is valid draft 2020-12, and a standard validator (Ajv, formats on) accepts every shipped example as written', async () => {
    for (const file of await shippedExamples()) {
      const example: unknown = parse(await readFile(file, 'utf8'))
      expect({ file, errors: errorsOf(validate, example) }).toEqual({ file, errors: [] })
    }
    expect(errorsOf(validate, parse(MINIMAL))).toEqual([])
  })

  it('rejects every bad configuration of the config tests that a JSON Schema can express', () => {
    const expressible = BAD_CONFIGS.filter((b) => b.beyondSchema === undefined)
    expect(expressible.length).toBeGreaterThan(25)
    const accepted = expressible.filter((b) => errorsOf(validate, parse(b.text)).length === 0).map((b) => b.name)
    expect(accepted).toEqual([])
  })

  it('says where and why, as an editor would show it', () => {
    const bad = parse(MINIMAL) as Schema
    bad.apps.staff.helth = {}
    bad.apps.staff.components.release.provider = 'docker'
    bad.apps.staff.priority = 0
    bad.apps.staff.health.checks[0].url = 'ftp://127.0.0.1/health'
    bad.defaults = { health: { interval: 'thirty' } }
    delete bad.platform
    expect(errorsOf(validate, bad)).toEqual([
      "/: must have required property 'platform'",
      '/apps/staff/components/release: must match exactly one schema in oneOf',
      '/apps/staff/health/checks/0/url: must match a schema in anyOf',
      '/apps/staff/priority: must match a schema in anyOf',
      '/apps/staff: must NOT have additional properties (helth)',
      '/defaults/health/interval: must match pattern "(?:^\\s*(?:\\d+(?:\\.\\d+)?(?:ms|d|h|m|s))+\\s*$)|\\$\\{"',
    ])
  })
})

describe('lastgood init --example', () => {
  it('writes the config with a yaml-language-server line pointing at the schema it writes beside it', async () => {
    const dir = await tempDir()
    const configFile = path.join(dir, 'lastgood.yaml')
    // The built CLI (npm run build), as a user runs it: it finds the examples shipped beside dist/.
    await run(process.execPath, [BIN, 'init', '--example', 'clinic', '--config', configFile], { cwd: dir })
    const text = await readFile(configFile, 'utf8')
    expect(text.split('\n')[0]).toBe('# yaml-language-server: $schema=./lastgood.schema.json')
    const file = await readFile(path.join(dir, 'lastgood.schema.json'), 'utf8')
    // The same text `lastgood config schema` prints, descriptions whole (they mention secrets: none is in them).
    expect((await run(process.execPath, [BIN, 'config', 'schema'])).stdout).toBe(file)
    expect(file).toContain('it is a secret: put it in the environment, ${SLACK_WEBHOOK_URL}.')
    const written = JSON.parse(file) as Schema
    expect(written).toEqual(configJsonSchema())
    expect(errorsOf(compile(written), parse(text))).toEqual([])
  })
})

/** Every lastgood configuration shipped under examples/. */
async function shippedExamples(): Promise<string[]> {
  const files = await readdir(EXAMPLES, { recursive: true })
  const configs = files.filter((f) => /(^|\/)lastgood[^/]*\.ya?ml$/.test(f)).map((f) => path.join(EXAMPLES, f))
  expect(configs.length).toBeGreaterThan(0)
  return configs
}

function compile(schema: Schema): ValidateFunction {
  // Strict: an unknown keyword or format in the schema is an error, not silently ignored.
  const ajv = new Ajv2020({ allErrors: true, strict: true, allowUnionTypes: true })
  addFormats.default(ajv)
  return ajv.compile(schema)
}

/**
 * One line per failed location, sorted: a value failing every branch of an anyOf or oneOf gets that line
 * only (the branches' own lines, inside it too, say the same thing once per branch).
 */
function errorsOf(validate: ValidateFunction, value: unknown): string[] {
  if (validate(value)) return []
  const errors = validate.errors ?? []
  const unions = new Set(errors.filter((e) => e.keyword === 'anyOf' || e.keyword === 'oneOf').map((e) => e.instancePath))
  const lines = errors
    .filter((e) => (unions.has(e.instancePath) ? e.keyword === 'anyOf' || e.keyword === 'oneOf' : !isUnder(e.instancePath, unions)))
    .map((e) => {
      const extra = e.keyword === 'additionalProperties' ? ` (${(e.params as { additionalProperty: string }).additionalProperty})` : ''
      return `${e.instancePath || '/'}: ${e.message}${extra}`
    })
  return [...new Set(lines)].sort()
}

function isUnder(at: string, parents: Set<string>): boolean {
  for (const p of parents) if (at === p || at.startsWith(`${p}/`)) return true
  return false
}

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
