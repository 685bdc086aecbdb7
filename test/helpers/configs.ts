/** Small configurations for tests that need something the example does not have. */
export function singleAppConfig(opts: { restart?: string; retention?: string; extra?: string } = {}): string {
  return `version: 1
platform: test
apps:
  staff:
    priority: 1
    health:
      interval: 1s
      timeout: 2s
      checks:
        - name: health
          url: http://127.0.0.1:\${CLINIC_STAFF_PORT}/health
    components:
      release:
        provider: local-release
        path: ./apps/staff
${opts.restart ? `        restart: ${JSON.stringify(opts.restart)}\n` : ''}    rollback:
      validation: { window: 30s, passes: 2, interval: 250ms }
${opts.retention ? `    retention: ${opts.retention}\n` : ''}${opts.extra ?? ''}`
}
