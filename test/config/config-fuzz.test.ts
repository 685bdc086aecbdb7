import { readFileSync } from 'node:fs'
import path from 'node:path'
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { parse, stringify } from 'yaml'
import { ConfigError } from '../../src/config/config-error.js'
import { parseConfigText } from '../../src/config/parse-config-text.js'
import { MINIMAL } from './temp-config.js'

const EXAMPLE = readFileSync(path.resolve(import.meta.dirname, '../../examples/clinic/lastgood.yaml'), 'utf8')

type Tree = Record<string, unknown> | unknown[]

/** Every path to a value in a parsed document, the root included. */
function paths(node: unknown, at: (string | number)[] = []): (string | number)[][] {
  const out = [at]
  if (Array.isArray(node)) node.forEach((v, i) => out.push(...paths(v, [...at, i])))
  else if (node && typeof node === 'object') for (const [k, v] of Object.entries(node)) out.push(...paths(v, [...at, k]))
  return out
}

function replaced(doc: unknown, at: (string | number)[], value: unknown): unknown {
  if (at.length === 0) return value
  const copy = structuredClone(doc) as Tree
  let node = copy as Record<string | number, unknown>
  for (const seg of at.slice(0, -1)) {
    // An earlier edit may have replaced a parent: then this edit has nothing to replace.
    if (!node || typeof node !== 'object') return copy
    node = node[seg] as Record<string | number, unknown>
  }
  if (node && typeof node === 'object') node[at.at(-1)!] = value
  return copy
}

/** Values a person (or a broken template) might put anywhere. */
const junk = fc.oneof(
  fc.constantFrom(
    'thirty',
    '1e3s',
    '0s',
    '1s',
    '99999999999999999999d',
    '',
    '${X}',
    '${',
    'http://',
    'ftp://x',
    '5%',
    '200%',
    '-1',
    'off',
    'x',
  ),
  fc.integer(),
  fc.double(),
  fc.boolean(),
  fc.constant(null),
  fc.array(fc.oneof(fc.string(), fc.integer(), fc.constant(null)), { maxLength: 3 }),
  fc.dictionary(
    fc.constantFrom('kind', 'window', 'passes', 'interval', 'url', 'name', 'x'),
    fc.oneof(fc.string(), fc.integer(), fc.constant(null)),
    { maxKeys: 3 },
  ),
)

describe('any configuration is either accepted or refused with located problems (exit 2), never a crash', () => {
  for (const [name, text] of [
    ['minimal', MINIMAL],
    ['clinic example', EXAMPLE],
  ] as const) {
    it(`one value of the ${name} replaced by junk`, () => {
      const doc: unknown = parse(text)
      const all = paths(doc)
      fc.assert(
        fc.property(fc.array(fc.tuple(fc.integer({ min: 0, max: all.length - 1 }), junk), { minLength: 1, maxLength: 3 }), (edits) => {
          const yaml = stringify(
            edits.reduce((d, [i, value]) => replaced(d, all[i]!, value), doc),
            { aliasDuplicateObjects: false },
          )
          try {
            parseConfigText(yaml, 'lastgood.yaml', {})
          } catch (err) {
            if (!(err instanceof ConfigError)) throw err
            expect(err.issues.length).toBeGreaterThan(0)
          }
        }),
        { numRuns: name === 'minimal' ? 100 : 25 },
      )
    })
  }

  it('every value of the clinic example turned into a near miss of itself', () => {
    const doc: unknown = parse(EXAMPLE)
    for (const at of paths(doc)) {
      const value = at.reduce<unknown>((node, seg) => (node as Record<string | number, unknown>)[seg], doc)
      for (const miss of nearMisses(value)) {
        const yaml = stringify(replaced(doc, at, miss))
        try {
          parseConfigText(yaml, 'lastgood.yaml', {})
        } catch (err) {
          if (!(err instanceof ConfigError))
            throw new Error(`${at.join('.')}: ${JSON.stringify(miss)}: ${(err as Error).stack}`, { cause: err })
          expect(err.issues.every((i) => i.line !== undefined)).toBe(true)
        }
      }
    }
  })
})

/** What a typo makes of a value: an exponent in a number (`2e3m`) or a stray letter, a sign. */
function nearMisses(value: unknown): unknown[] {
  if (typeof value === 'string') return [/\d/.test(value) ? value.replace(/\d/, '$&e3') : `${value}x`]
  if (typeof value === 'number') return [-value - 1]
  if (typeof value === 'boolean') return ['yes']
  return []
}
