import type { z } from 'zod'
import { issueText } from '../config/format-issues.js'
import { InputError } from './error-document.js'
import type { Operation } from './operation.js'

/** The input checked against the operation's schema; the first fault names its field. */
export function parseInput<S extends z.ZodType>(op: Operation<S, unknown>, input: unknown): z.infer<S> {
  const parsed = op.input.safeParse(input, { reportInput: true })
  if (parsed.success) return parsed.data
  const issue = parsed.error.issues[0]!
  const path = issue.path.join('.')
  throw new InputError(path, inputFault(path, issue.message, (issue as { input?: unknown }).input))
}

/**
 * One input field's fault as both doors word it (this one, and the server's request validation): the field,
 * then the schema's message with the value given in place of its `{got}`, as a configuration error says it.
 */
export function inputFault(path: string, message: string, got: unknown): string {
  return `${path ? `${path}: ` : ''}${issueText({ path: path ? path.split('.') : [], message, got })}`
}
