import type { z } from 'zod'
import type { Permission } from '../auth/permissions.js'
import type { ExitCode } from '../core/errors.js'
import type { Platform } from '../platform/platform.js'

/**
 * One thing lastgood does that a person may ask for, the same from the command line and over HTTP: the CLI
 * runs it locally, or sends it to `lastgood serve` with `--server`; the server's route for it validates the
 * request with the same `input` schema and answers with the same `result` the CLI prints with --json. So a
 * command and its route cannot drift apart: there is one implementation, and two doors.
 */
export interface Operation<S extends z.ZodType = z.ZodType, R = unknown, P = never> {
  /** `snapshot.list`: names the route in the OpenAPI document and the operation in the parity test. */
  name: string
  /** One line for the OpenAPI document. */
  summary: string
  method: 'GET' | 'POST'
  /** Under /api/v1; `:name` segments are filled from the input field of that name. */
  path: string
  /** The permission a caller needs (auth/permissions.ts). */
  permission: Permission
  /** Opens the platform without the repository lock: a read works on a full disk too. */
  readOnly: boolean
  /**
   * A stop request (Ctrl-C, SIGTERM) aborts ctx.signal and the operation ends at its next step boundary,
   * saying what it kept; one that is not stoppable is simply killed (a read has nothing to leave half-done).
   */
  stoppable?: boolean
  /**
   * A read whose answer does not depend on who asks: the server gives every caller of the same input, within a
   * second and while the audit trail has not moved, the one answer it computed (server/shared-reads.ts).
   */
  shared?: boolean
  /**
   * It can run for minutes: its route answers 202 with a run at once and runs it in the background, the caller
   * follows the run (`GET /api/v1/runs/:id`); the CLI does that for the user, so the command reads the same.
   */
  long?: boolean
  /**
   * Run locally, it needs no permission while this holds, whatever auth.local_cli says: the first admin is
   * created on the host, as nobody could sign in to create it (a server without users lets nobody in).
   */
  bootstrap?: (p: Platform) => Promise<boolean>
  /** What the operation takes: the CLI's arguments and options, a route's path, query and body. */
  input: S
  run(p: Platform, input: z.infer<S>, ctx: OperationContext<P>): Promise<Outcome<R>>
}

export interface OperationContext<P = never> {
  /** Who acts: recorded on every audit event the operation writes. */
  actor: string
  signal: AbortSignal
  /**
   * What a long operation reports as it goes (a monitor event, a drill ended): the CLI prints it when the
   * operation runs here; through the server nobody is told, and the command prints what its result holds.
   */
  progress?: (update: P) => void
}

/**
 * The document the CLI prints with --json and a route answers, and the exit code: 1 when it ran and failed,
 * 2 when every part of it failed for its input (a result still says which).
 */
export interface Outcome<R> {
  result: R
  exitCode: ExitCode
}

/** Declares an operation with its input and result types inferred. */
export function operation<S extends z.ZodType, R, P = never>(op: Operation<S, R, P>): Operation<S, R, P> {
  return op
}
