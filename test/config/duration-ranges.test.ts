import { describe, expect, it } from 'vitest'
import { stringify } from 'yaml'
import { type ConfigError } from '../../src/config/config-error.js'
import { configJsonSchema } from '../../src/config/json-schema.js'
import { parseConfigText } from '../../src/config/parse-config-text.js'
import { formatDuration } from '../../src/config-parts/units.js'
import { UserError } from '../../src/core/errors.js'
import { durationKeys, keyPath } from '../helpers/duration-keys.js'
import { everyDurationConfig } from '../helpers/every-duration-config.js'

function withValue(path: (string | number)[], value: string): string {
  const config = everyDurationConfig()
  let node = config as Record<string | number, unknown>
  for (const seg of path.slice(0, -1)) node = node[seg] as Record<string | number, unknown>
  node[path.at(-1)!] = value
  return stringify(config)
}

function rejection(text: string): ConfigError {
  try {
    parseConfigText(text, 'lastgood.yaml', {})
  } catch (err) {
    return err as ConfigError
  }
  throw new Error('expected the configuration to be rejected')
}

const { keys, missing } = durationKeys(everyDurationConfig())

describe('case 18: every duration key at its maximum, and just above it', () => {
  it('has a range: timers up to a year at least, ages up to a century at least', () => {
    expect(missing).toEqual([])
    expect(keys.length).toBeGreaterThanOrEqual(30)
    for (const k of keys) {
      const age = k.key.endsWith('keep_within')
      expect(k.max, k.key).toBeGreaterThanOrEqual(age ? 36_500 * 86_400_000 : 365 * 86_400_000)
    }
  })

  it.each(keys.map((k) => [k.key, k] as const))('%s: accepted at its maximum; above it, exit 2 naming the path and line', (_, k) => {
    const max = formatDuration(k.max)
    expect(() => parseConfigText(withValue(k.path, max), 'lastgood.yaml', {})).not.toThrow()
    const above = formatDuration(k.max + 1)
    const text = withValue(k.path, above)
    const err = rejection(text)
    expect(err).toBeInstanceOf(UserError)
    expect(err.issues).toEqual([
      { path: keyPath(k), message: `at most ${max}, got "${above}"`, line: expect.any(Number), column: expect.any(Number) },
    ])
    // A list item (`remind: [30d]`) is written `- 30d`, a key `name: 30d`.
    const last = k.path.at(-1)
    expect(text.split('\n')[err.issues[0]!.line! - 1]).toContain(`${typeof last === 'number' ? '-' : `${last}:`} ${above}`)
    expect(err.message).toMatch(
      new RegExp(`^lastgood\\.yaml:\\d+:\\d+: ${keyPath(k).replace(/[.[\]]/g, '\\$&')}: at most ${max}, got "${above}"$`),
    )
  })

  it('publishes each range in the JSON Schema, in the description (no standard keyword bounds a string)', () => {
    const schema = JSON.stringify(configJsonSchema())
    expect(schema).not.toContain('durationRange')
    const health = (configJsonSchema() as { properties: Record<string, any> }).properties.defaults.properties.health.properties
    expect(health.interval.description).toBe('Time between two probes of an app. Range: 1ms to 365d.')
    const retention = (configJsonSchema() as { properties: Record<string, any> }).properties.defaults.properties.retention.properties
    expect(retention.keep_within.description).toBe('Snapshots younger than this are kept too. Range: 0s to 36525d.')
    expect(schema.match(/Range: \d+m?s to \d+d\./g)!.length).toBeGreaterThanOrEqual(keys.length)
  })
})
