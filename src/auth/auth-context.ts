import type { State } from '../state/open-state.js'
import type { ResolvedAuth } from './auth-config.js'

/** What the identity services work on: the state, the `auth` settings, and a clock tests can move. */
export interface AuthContext {
  state: State
  auth: ResolvedAuth
  /** Defaults to the system clock. */
  now?: () => Date
}

export const nowOf = (ctx: AuthContext): Date => ctx.now?.() ?? new Date()

/** `at` plus `ms`, as stored: ISO-8601 with milliseconds. */
export const isoPlus = (at: Date, ms: number): string => new Date(at.getTime() + ms).toISOString()
