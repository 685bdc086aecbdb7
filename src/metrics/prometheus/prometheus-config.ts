import { z } from 'zod'
import { expected, strictObject, textSchema } from '../../config-parts/schema-helpers.js'
import { positiveDurationSchema } from '../../config-parts/units.js'

const metricName = (example: string) =>
  z
    .string({ error: expected(`a Prometheus metric name such as ${example}`) })
    .regex(/^[a-zA-Z_:][a-zA-Z0-9_:]*$/, { error: expected(`a Prometheus metric name such as ${example}`) })
    .default(example)

/** The top-level `prometheus:` mapping of lastgood.yaml. */
export const prometheusConfigSchema = strictObject({
  url: z
    .url({ protocol: /^https?$/, error: expected('an http(s) URL such as http://127.0.0.1:9090') })
    .describe('Base URL of the Prometheus HTTP API.'),
  timeout: positiveDurationSchema().prefault('5s').describe('Timeout of one query.'),
  requests_metric: metricName('http_requests_total').describe('Counter of requests, with a `code` label.'),
  duration_metric: metricName('http_request_duration_seconds').describe('Histogram of request durations in seconds.'),
  error_status: textSchema('a regular expression of HTTP status codes such as 5..')
    .default('5..')
    .describe('Statuses that count as errors.'),
}).describe('Prometheus, for triggers with source: prometheus and kind: promql.')

export interface ResolvedPrometheus {
  url: string
  timeoutMs: number
  requestsMetric: string
  durationMetric: string
  /** Regular expression of HTTP statuses that count as errors. */
  errorStatus: string
}

export function resolvePrometheus(c: z.output<typeof prometheusConfigSchema>): ResolvedPrometheus {
  return {
    url: c.url,
    timeoutMs: c.timeout,
    requestsMetric: c.requests_metric,
    durationMetric: c.duration_metric,
    errorStatus: c.error_status,
  }
}
