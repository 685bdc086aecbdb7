import type { z } from 'zod'
import { redact } from '../core/redact.js'
import { valueText } from '../core/value-text.js'
import { type ConfigPath, isSecretPath, toConfigPath } from './config-path.js'
import { GOT, KEY_SEPARATOR } from '../config-parts/schema-helpers.js'

/** A problem found before it is placed in the file: a path, a message, and the value to quote in it. */
export interface PathIssue {
  path: ConfigPath
  /** May contain `{got}`, replaced by a description of `got` (or `***` under a secret-looking key). */
  message: string
  got?: unknown
  /** Unknown keys point at the key in the file, not at its value. */
  atKey?: boolean
}

/** zod's issues as PathIssues: one per unknown key, and the discriminator's value for an unknown provider. */
export function issuesFromZod(issues: readonly z.core.$ZodIssue[]): PathIssue[] {
  const out: PathIssue[] = []
  for (const issue of issues) {
    const path = toConfigPath(issue.path)
    const input = (issue as { input?: unknown }).input
    switch (issue.code) {
      case 'unrecognized_keys': {
        const messages = issue.message.split(KEY_SEPARATOR)
        issue.keys.forEach((key, i) => {
          const message = messages.length === issue.keys.length ? messages[i]! : 'unknown key'
          out.push({ path: [...path, key], message, atKey: true })
        })
        break
      }
      case 'invalid_key': {
        // A bad map key (an app or component name): the key is the value to quote.
        const message = issue.issues[0]?.message ?? issue.message
        out.push({ path, message: message.includes(GOT) ? message : `${message}, got ${GOT}`, got: input, atKey: true })
        break
      }
      case 'invalid_union': {
        const discriminator = (issue as { discriminator?: string }).discriminator
        const got = discriminator && isRecord(input) ? input[discriminator] : input
        out.push({ path, message: issue.message, got })
        break
      }
      default:
        out.push({ path, message: issue.message, got: input })
    }
  }
  return out
}

/**
 * The final text of an issue: `{got}` becomes the quoted value, `***` under a secret-looking key, and a
 * missing value reads `missing; expected …`. `source` is the text before environment interpolation, quoted
 * too when it differs, so `${CLINIC_HEALTH_INTERVAL:-30s}` gone wrong shows where the value came from.
 */
export function issueText(issue: PathIssue, source?: string): string {
  const secret = isSecretPath(issue.path)
  let message = issue.message
  if (message.includes(GOT)) {
    if (issue.got === undefined && message.startsWith('expected ')) {
      message = `missing; ${message.replace(`, got ${GOT}`, '')}`
    } else {
      message = message.replace(GOT, secret ? '***' : describe(issue.got))
    }
  }
  if (source !== undefined && !secret) message += ` (from ${JSON.stringify(source)})`
  return redact(message)
}

function describe(value: unknown): string {
  if (value === undefined) return 'nothing'
  if (value === null) return 'an empty value'
  if (typeof value === 'string') return JSON.stringify(value.length > 80 ? `${value.slice(0, 77)}...` : value)
  if (Array.isArray(value)) {
    const json = safeJson(value)
    return json && json.length <= 60 && value.every((v) => v === null || typeof v !== 'object') ? json : 'a list'
  }
  if (typeof value === 'object') return 'a mapping'
  return valueText(value)
}

function safeJson(value: unknown): string | undefined {
  try {
    return JSON.stringify(value)
  } catch {
    return undefined
  }
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
}
