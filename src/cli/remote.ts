import { type ExitCode, OperationFailedError, UserError } from '../core/errors.js'
import { redact, registerSecret } from '../core/redact.js'
import { type ErrorCode, type ErrorDocument, EXIT_CODE_OF } from '../operations/error-document.js'
import type { Operation, Outcome } from '../operations/operation.js'

/** The server's error document, rethrown so the CLI prints it and exits as the same error would locally. */
export class RemoteError extends Error {
  override readonly name = 'RemoteError'
  constructor(readonly document: ErrorDocument) {
    super(document.message)
  }
}

/** A reply that does not come in time means nothing about the operation; reads and starts answer in seconds. */
const REPLY_TIMEOUT_MS = 120_000

/**
 * Runs the operation on `lastgood serve` at base, as the holder of $LASTGOOD_TOKEN: the input goes as the
 * path and query of a GET, or the JSON body of a POST; the answer is the operation's result document, with
 * its exit code in the `Lastgood-Exit-Code` header, or an error document.
 */
export async function callServer<R>(base: string, op: Operation<never, R>, input: Record<string, unknown>): Promise<Outcome<R>> {
  const token = apiToken()
  const root = serverUrl(base)
  const { url, body } = request(root, op, input)
  const { res, doc } = await send(url, op.method, token, body)
  if (res.status === 202) return (await followRun(root, token, doc)) as Outcome<R>
  if (res.ok) return { result: doc as R, exitCode: exitCodeHeader(res.headers.get('lastgood-exit-code')) }
  throw new RemoteError(errorOf(doc, res.status))
}

/** $LASTGOOD_TOKEN, kept out of everything printed from now on. */
export function apiToken(): string {
  const token = process.env.LASTGOOD_TOKEN
  if (!token)
    throw new UserError('--server needs an API token in LASTGOOD_TOKEN: an admin creates one with `lastgood token create NAME --user USER`')
  registerSecret(token)
  return token
}

async function send(url: URL, method: 'GET' | 'POST', token: string, body?: string): Promise<{ res: Response; doc: unknown }> {
  let res: Response
  try {
    res = await fetch(url, {
      method,
      headers: { authorization: `Bearer ${token}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
      body,
      signal: AbortSignal.timeout(REPLY_TIMEOUT_MS),
    })
  } catch (err) {
    throw unreachable(url, err)
  }
  return { res, doc: await res.json().catch(() => undefined) }
}

/** How long each request for a run waits on the server for it to end: one request at a time, however long it runs. */
const RUN_WAIT = '30s'

interface RunDocument {
  id: string
  status: 'running' | 'done' | 'failed'
  exitCode?: ExitCode
  result?: unknown
  error?: unknown
}

/**
 * A long operation answers 202 with the run it started on the server: the CLI follows it to its end and gives
 * what the operation gave, its result and exit code or its error, as if it had run here. Stopping the CLI
 * does not stop the run (the server's log and the event stream have its end).
 */
async function followRun(root: URL, token: string, started: unknown): Promise<Outcome<unknown>> {
  let run = (started as { run?: RunDocument } | undefined)?.run
  if (!run || typeof run.id !== 'string') throw new OperationFailedError('lastgood serve answered 202 without the run it started')
  const url = apiUrl(root, `/runs/${encodeURIComponent(run.id)}`)
  url.searchParams.set('wait', RUN_WAIT)
  while (run.status === 'running') {
    const { res, doc } = await send(url, 'GET', token)
    if (!res.ok) {
      const lost = errorOf(doc, res.status)
      throw new OperationFailedError(`lost track of run ${run.id} on lastgood serve (${lost.message}); its outcome is in the audit log`)
    }
    run = doc as RunDocument
  }
  if (run.status === 'failed') throw new RemoteError(errorOf({ error: run.error }, 500))
  return { result: run.result, exitCode: exitCodeHeader(String(run.exitCode)) }
}

/** A request that got no answer at all. */
export function unreachable(url: URL, err: unknown): OperationFailedError {
  const cause = (err as { cause?: { code?: string; message?: string } }).cause
  return new OperationFailedError(`cannot reach lastgood serve at ${url.origin}: ${redact(cause?.code ?? cause?.message ?? String(err))}`)
}

function exitCodeHeader(value: string | null): ExitCode {
  return value === '1' ? 1 : value === '2' ? 2 : value === '3' ? 3 : 0
}

/** A path under /api/v1 of the server at `base`, which may itself sit under a path (behind a proxy). */
export function apiUrl(base: URL, path: string): URL {
  return new URL(`${base.pathname.replace(/\/$/, '')}/api/v1${path}`, base)
}

export function serverUrl(base: string): URL {
  let url: URL
  try {
    url = new URL(base)
  } catch {
    throw new UserError(`--server ${redact(base)}: expected the URL of lastgood serve, such as https://lastgood.internal:8420`)
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:')
    throw new UserError(`--server ${redact(base)}: expected an http:// or https:// URL, got ${url.protocol}`)
  return url
}

/** `:name` path segments from the input; the rest as the query of a GET or the body of a POST. */
function request(base: URL, op: Operation<never, unknown>, input: Record<string, unknown>): { url: URL; body?: string } {
  const rest = { ...input }
  const path = op.path.replace(/:(\w+)/g, (_, name: string) => {
    const value = rest[name]
    delete rest[name]
    return encodeURIComponent(String(value))
  })
  const url = apiUrl(base, path)
  if (op.method === 'POST') return { url, body: JSON.stringify(rest) }
  for (const [key, value] of Object.entries(rest)) {
    for (const v of Array.isArray(value) ? value : [value]) if (v !== undefined) url.searchParams.append(key, String(v))
  }
  return { url }
}

/** A reply that is not an error document (a proxy's page, say) still fails as what its status says. */
export function errorOf(doc: unknown, status: number): ErrorDocument {
  const e = (doc as { error?: Partial<ErrorDocument> } | undefined)?.error
  if (e && typeof e.message === 'string' && Object.hasOwn(EXIT_CODE_OF, e.code as string))
    return {
      code: e.code as ErrorCode,
      message: e.message,
      path: typeof e.path === 'string' ? e.path : null,
      ...(e.issues ? { issues: e.issues } : {}),
    }
  const code: ErrorCode = status === 401 ? 'unauthenticated' : status === 403 ? 'forbidden' : status < 500 ? 'usage' : 'internal'
  return { code, message: `lastgood serve answered ${status} without an error document`, path: null }
}
