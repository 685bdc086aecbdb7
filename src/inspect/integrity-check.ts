/** What `lastgood validate` reports: one line per check, and whether all of them passed. */
export type CheckOutcome = 'ok' | 'warning' | 'failed'

export interface IntegrityCheck {
  area: 'config' | 'deployment' | 'health' | 'snapshots' | 'repository'
  target: string
  outcome: CheckOutcome
  message: string
}

export interface IntegrityReport {
  ok: boolean
  checks: IntegrityCheck[]
}
