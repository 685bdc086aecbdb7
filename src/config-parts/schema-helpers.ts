import { z } from 'zod'
import { closest } from './suggest.js'

/**
 * Building blocks for schema.ts that give every field one plain message, `expected <what>, got {got}`,
 * whatever went wrong (wrong type, out of range, bad format). format-issues.ts fills `{got}` in, because
 * only it knows the config path and so whether the value is a secret.
 */

export const GOT = '{got}'

export const expected = (what: string) => () => `expected ${what}, got ${GOT}`

/** Names of platforms, apps, components and checks: they appear in commands, file names and metrics. */
export const NAME_PATTERN = /^[a-z0-9][a-z0-9-]*$/

export function nameSchema(example: string) {
  const error = expected(`a name of lowercase letters, digits and dashes such as ${example}`)
  return z.string({ error }).max(63, { error }).regex(NAME_PATTERN, { error })
}

export function intSchema(min: number, max?: number) {
  const what = max === undefined ? `an integer >= ${min}` : `an integer from ${min} to ${max}`
  const error = expected(what)
  const schema = z.number({ error }).int({ error }).min(min, { error })
  return max === undefined ? schema : schema.max(max, { error })
}

export function textSchema(what: string) {
  const error = expected(what)
  return z.string({ error }).trim().min(1, { error })
}

/**
 * Separates the per-key messages of one `unrecognized_keys` issue. zod reports all unknown keys of an
 * object as one issue; format-issues.ts splits it back into one error per key, each at its own path.
 */
export const KEY_SEPARATOR = '\u0000'

const MAX_HINTED_KEYS = 100

/**
 * A strict object (an unknown key is an error, with the closest known key as a hint). `what` names the
 * mapping for the message when the value is not a mapping at all.
 */
export function strictObject<T extends z.core.$ZodLooseShape>(shape: T, what = 'a mapping') {
  const known = Object.keys(shape)
  return z.strictObject(shape, {
    error: (iss) => {
      if (iss.code === 'unrecognized_keys') {
        // Hints only for the keys that can be listed: a hint costs an edit distance per known key.
        return iss.keys
          .map((key, i) => {
            if (i >= MAX_HINTED_KEYS) return 'unknown key'
            const hint = closest(key, known)
            return hint ? `unknown key, did you mean "${hint}"?` : `unknown key, expected one of: ${known.join(', ')}`
          })
          .join(KEY_SEPARATOR)
      }
      if (iss.code === 'invalid_type') return `expected ${what}, got ${GOT}`
      return undefined
    },
  })
}

/** A mapping from names to `value`, with at least one entry. */
export function namedMapSchema<V extends z.ZodType>(value: V, what: string, example: string) {
  return z
    .record(nameSchema(example), value, { error: expected(`a mapping of ${what}`) })
    .refine((map) => Object.keys(map).length > 0, { error: `expected at least one ${what.replace(/s$/, '')}, got none` })
    .meta({ minProperties: 1 })
}

/**
 * A mapping whose keys come from a fixed list. zod's own enum-keyed records report an unknown key as a
 * missing mapping; this names the key and the closest known one.
 */
export function keyedRecord<K extends string, V extends z.ZodType>(keys: readonly K[], value: V, what: string, keyWhat: string) {
  return (
    z
      .record(z.string(), value, { error: expected(`a mapping of ${what}`) })
      .superRefine((map, ctx) => {
        for (const key of Object.keys(map)) {
          if ((keys as readonly string[]).includes(key)) continue
          const hint = closest(key, keys)
          ctx.addIssue({
            code: 'custom',
            path: [key],
            message: `unknown ${keyWhat} "${key}"${hint ? `, did you mean "${hint}"?` : ''}; expected one of ${keys.join(', ')}`,
          })
        }
      })
      .transform((map) => map as Partial<Record<K, z.output<V>>>)
      // The JSON Schema says which keys there are (the check above is not carried into it).
      .meta({ propertyNames: { enum: [...keys] } })
  )
}
