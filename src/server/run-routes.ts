import { z } from 'zod'
import { parseDuration } from '../config-parts/units.js'
import { UserError } from '../core/errors.js'
import { addRoute, type ApiServer } from './route.js'
import type { Runs } from './runs.js'

/** The longest a request waits for a run: well inside any client's or proxy's reply timeout. */
const MAX_WAIT_MS = 60_000

const Wait = z
  .string()
  .optional()
  .transform((text, ctx) => {
    if (text === undefined) return 0
    const ms = parseDuration(text)
    if (ms === undefined || ms > MAX_WAIT_MS) {
      ctx.addIssue({ code: 'custom', message: `expected a duration of at most 60s, such as 30s, got "${text}"` })
      return z.NEVER
    }
    return ms
  })
  .describe('Answer when the run ends, or after this long (at most 60s), whichever comes first.')

/** A run as the API answers it (runs.ts's Run). */
export const RunSchema = z.object({
  id: z.string(),
  operation: z.string().describe('The operation it runs, such as snapshot.create.'),
  status: z.enum(['running', 'done', 'failed']),
  startedAt: z.string(),
  endedAt: z.string().optional(),
  exitCode: z.number().int().optional().describe('The exit code the command gives for this outcome.'),
  result: z.unknown().optional().describe('When done: the document the command prints with --json.'),
  error: z
    .object({ code: z.string(), message: z.string(), path: z.string().nullable(), issues: z.array(z.unknown()).optional() })
    .optional()
    .describe('When failed: the error document.'),
})

/**
 * `GET /api/v1/runs/:id`: a long operation's run (see runs.ts), its result or error document once it ended.
 * With `wait` the request is held until then: a client follows a run with one request at a time.
 */
export function addRunRoutes(app: ApiServer, runs: Runs): void {
  addRoute(
    app,
    { permission: 'read' },
    {
      method: 'GET',
      url: '/api/v1/runs/:id',
      schema: {
        operationId: 'run.show',
        summary: 'A long operation started by a request: running, done (result, exit code) or failed (error document)',
        tags: ['run'],
        params: z.object({ id: z.string().min(1).describe('Run id, from the 202 answer that started it.') }),
        querystring: z.object({ wait: Wait }),
        response: { 200: RunSchema },
      },
      handler: async (request) => {
        const run = await runs.wait(request.params.id, request.query.wait)
        if (!run)
          throw new UserError(
            `no run ${request.params.id} here: a run is kept 1 h after it ends, and a restart of lastgood serve forgets every run (a rollback's journal keeps its own state)`,
          )
        return run
      },
    },
  )
}
