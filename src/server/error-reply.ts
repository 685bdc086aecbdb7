import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify'
import { messageOf } from '../core/errors.js'
import { inputFault } from '../operations/parse-input.js'
import { redact } from '../core/redact.js'
import { asStorageError } from '../core/storage-fault.js'
import { type ErrorCode, type ErrorDocument, errorDocument } from '../operations/error-document.js'

/** The HTTP status of each kind of failure; the document's `code` says the kind (and, to the CLI, the exit code). */
const STATUS_OF: Record<ErrorCode, number> = {
  usage: 400,
  config: 400,
  unauthenticated: 401,
  forbidden: 403,
  refused: 409,
  integrity: 422,
  failed: 422,
  storage: 503,
  internal: 500,
}

/** Answers with the error document the CLI prints with --json: `{ error: { code, message, path } }`. */
export function sendError(reply: FastifyReply, doc: ErrorDocument): FastifyReply {
  return reply.code(STATUS_OF[doc.code]).send({ error: doc })
}

/**
 * What a handler threw, as the caller should hear it. A request that failed its schema names the field; a
 * lastgood error (bad input, refused, failed, damaged, a full disk) says what it says locally; anything else is
 * a server fault, logged with its request id and answered without its message, which may hold what a client
 * must not see. Every message is redacted.
 */
export function replyWithError(err: FastifyError, request: FastifyRequest, reply: FastifyReply): FastifyReply {
  if (err.validation) {
    const issue = err.validation[0]
    const path = (issue?.instancePath ?? '').replace(/^\//, '').replace(/\//g, '.')
    // Worded as parseInput words it for the command line: the same error whichever door it came through.
    return sendError(reply, {
      code: 'usage',
      message: redact(inputFault(path, issue?.message ?? err.message, valueAt(request, err.validationContext, path))),
      path: path || null,
    })
  }
  if (err.statusCode !== undefined && err.statusCode >= 400 && err.statusCode < 500)
    return reply.code(err.statusCode).send({ error: { code: 'usage', message: redact(err.message), path: null } })
  const known = knownErrorDocument(err)
  if (known) return sendError(reply, known)
  request.log.error({ err: redact(err.stack ?? err.message) }, 'request failed')
  return sendError(reply, {
    code: 'internal',
    message: `internal error; the server's log has it under request id ${request.id}`,
    path: null,
  })
}

/** The value the caller gave at `path` in the part of the request that failed its schema. */
function valueAt(request: FastifyRequest, part: string | undefined, path: string): unknown {
  const root: unknown =
    part === 'body' ? request.body : part === 'querystring' ? request.query : part === 'params' ? request.params : undefined
  return path === ''
    ? root
    : path.split('.').reduce<unknown>((v, k) => (v !== null && typeof v === 'object' ? (v as Record<string, unknown>)[k] : undefined), root)
}

/** A lastgood error's document (redacted), or undefined for a fault whose message a caller must not see. */
export function knownErrorDocument(err: unknown): ErrorDocument | undefined {
  const known = errorDocument(asStorageError(err, 'its files'), redact(messageOf(err)))
  return known.code === 'internal' ? undefined : known
}
