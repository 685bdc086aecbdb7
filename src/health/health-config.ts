/** An app's health checks as the configuration resolves them: milliseconds, one list of accepted statuses. */
export interface ResolvedHealth {
  intervalMs: number
  timeoutMs: number
  /** Consecutive failures that make an app unhealthy. */
  failures: number
  checks: ResolvedHealthCheck[]
}

export interface ResolvedHealthCheck {
  name: string
  url: string
  method: 'GET' | 'HEAD'
  expectStatus: number[]
  /** When set, the body must contain this text. */
  expectBody?: string
  timeoutMs: number
}
