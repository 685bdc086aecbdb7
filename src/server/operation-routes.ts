import { z } from 'zod'
import { actingAs } from '../auth/acting.js'
import type { Operation } from '../operations/operation.js'
import type { Platform } from '../platform/platform.js'
import { addRoute, type ApiServer } from './route.js'
import { RunSchema } from './run-routes.js'
import type { Runs } from './runs.js'
import { SharedReads } from './shared-reads.js'

/**
 * One route per operation, under /api/v1: its `:name` path segments, and its query (GET) or JSON body (POST),
 * validated by the operation's own input schema; the answer is the document the CLI prints with --json, the
 * exit code in the `Lastgood-Exit-Code` header. A long operation answers 202 with the run it started instead
 * (`GET /api/v1/runs/:id` follows it). The caller's identity is the actor of everything it records.
 */
export function addOperationRoutes(
  app: ApiServer,
  p: Platform,
  operations: readonly Operation[],
  { stop, runs, changed }: { stop: AbortSignal; runs: Runs; changed?: () => void },
): void {
  const shared = new SharedReads(p)
  for (const op of operations) {
    if (!(op.input instanceof z.ZodObject)) throw new Error(`operation ${op.name}: its input must be an object schema`)
    const input = op.input
    const names = [...op.path.matchAll(/:(\w+)/g)].map((m) => m[1]!)
    // zod's mask type wants literal keys; these are the path's own.
    const inPath = Object.fromEntries(names.map((n) => [n, true as const])) as never
    const rest = input.omit(inPath)
    addRoute(
      app,
      { permission: op.permission },
      {
        method: op.method,
        url: `/api/v1${op.path}`,
        schema: {
          operationId: op.name,
          summary: op.summary,
          tags: [op.name.split('.')[0]!],
          ...(names.length ? { params: input.pick(inPath) } : {}),
          ...(op.method === 'GET' ? { querystring: rest } : { body: rest }),
          ...(op.long ? { response: { 202: z.object({ run: RunSchema }).describe('Started: follow it with GET /api/v1/runs/{id}') } } : {}),
        },
        handler: async (request, reply) => {
          const given = (op.method === 'GET' ? request.query : request.body) as Record<string, unknown>
          const input = { ...given, ...(request.params as Record<string, unknown>) }
          const identity = request.identity!
          const run = () => untilEnded(stop, (signal) => actingAs(identity, () => op.run(p, input, { actor: identity.subject, signal })))
          if (op.long) {
            const started = runs.start(op.name, run)
            return reply.code(202).header('location', `/api/v1/runs/${started.id}`).send({ run: started })
          }
          // A change is committed whether it answers or throws: the event streams hear what it wrote now.
          const outcome =
            op.method !== 'GET'
              ? await run().finally(() => changed?.())
              : op.shared
                ? await shared.get(`${op.name} ${JSON.stringify(input)}`, run)
                : await run()
          return reply.header('lastgood-exit-code', String(outcome.exitCode)).send(outcome.result)
        },
      },
    )
  }
}

/**
 * `fn` with a signal of its own that the server's stop aborts, let go when `fn` ends: what an operation hangs
 * on its signal (a monitor, a soak) is not kept by the server's, which outlives every request.
 */
async function untilEnded<T>(stop: AbortSignal, fn: (signal: AbortSignal) => Promise<T>): Promise<T> {
  const own = new AbortController()
  const abort = () => own.abort(stop.reason)
  if (stop.aborted) abort()
  else stop.addEventListener('abort', abort, { once: true })
  try {
    return await fn(own.signal)
  } finally {
    stop.removeEventListener('abort', abort)
  }
}
