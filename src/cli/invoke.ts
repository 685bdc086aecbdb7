import type { z } from 'zod'
import type { Operation, Outcome } from '../operations/operation.js'
import { parseInput } from '../operations/parse-input.js'
import { actingAs } from '../auth/acting.js'
import { type GlobalOptions, serverOf } from './global-options.js'
import { localActor } from './local-identity.js'
import { callServer } from './remote.js'
import { untilStopped } from './stop-signal.js'
import { withPlatform } from './with-platform.js'

/**
 * Runs an operation for a command: on `lastgood serve` when --server (or $LASTGOOD_SERVER) names one, else
 * here against the configuration and state. Either way the command gets the same result document to print;
 * `progress` hears the operation's updates only when it runs here.
 */
export async function invoke<S extends z.ZodType, R, P = never>(
  g: GlobalOptions,
  op: Operation<S, R, P>,
  input: z.input<S>,
  { progress }: { progress?: (update: P) => void } = {},
): Promise<Outcome<R>> {
  const server = serverOf(g)
  if (server) return callServer(server, op as unknown as Operation<never, R>, input as Record<string, unknown>)
  const parsed = parseInput(op, input)
  const run = (signal: AbortSignal) =>
    withPlatform(
      g,
      async (p) => {
        // A GET reads; everything else changes the state, whatever permission its route needs.
        const identity = await localActor(g, p.config, p.state.db, {
          permission: op.permission,
          changes: op.method !== 'GET',
          bootstrap: op.bootstrap && (() => op.bootstrap!(p)),
        })
        return actingAs(identity, () => op.run(p, parsed, { actor: identity.subject, signal, progress }))
      },
      { readOnly: op.readOnly },
    )
  return op.stoppable ? untilStopped(run) : run(new AbortController().signal)
}
