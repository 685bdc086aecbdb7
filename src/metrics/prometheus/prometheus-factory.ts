import { defineSource } from '../source-factory.js'
import { prometheusConfigSchema, resolvePrometheus } from './prometheus-config.js'
import { PrometheusSource } from './prometheus-source.js'

/** Prometheus through its HTTP API: the built-in queries over each app's series, and any PromQL. */
export const prometheusFactory = defineSource({
  kind: 'prometheus',
  capabilities: { measures: ['error_rate', 'latency', 'availability', 'promql'], lastRequests: false, healthChecks: false },
  title: 'Prometheus',
  description: 'Prometheus (top-level `prometheus`)',
  configSchema: prometheusConfigSchema,
  resolve: resolvePrometheus,
  create({ settings, apps }) {
    if (!settings) return undefined
    const selectors = new Map(apps.map((a) => [a.name, a.prometheusSelector]))
    return new PrometheusSource({ ...settings, selector: (app) => selectors.get(app) ?? `job="${app}"` })
  },
})
