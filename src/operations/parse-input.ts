import type { z } from 'zod'
import { InputError } from './error-document.js'
import type { Operation } from './operation.js'

/** The input checked against the operation's schema; the first fault names its field. */
export function parseInput<S extends z.ZodType>(op: Operation<S, unknown>, input: unknown): z.infer<S> {
  const parsed = op.input.safeParse(input)
  if (parsed.success) return parsed.data
  const issue = parsed.error.issues[0]!
  const path = issue.path.join('.')
  throw new InputError(path, `${path ? `${path}: ` : ''}${issue.message}`)
}
