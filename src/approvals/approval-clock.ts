/** A clock tests can move (expiry, escalation, a grant's hour), as auth/ has AuthContext.now. */
export interface ApprovalClock {
  /** Milliseconds since the epoch; defaults to Date.now. */
  now?: () => number
}

export const nowMs = (c: ApprovalClock | undefined): number => c?.now?.() ?? Date.now()
export const isoAt = (ms: number): string => new Date(ms).toISOString()
