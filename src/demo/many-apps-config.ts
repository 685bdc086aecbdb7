/**
 * A platform of many apps for tests and benchmarks at scale: each app has a release directory of its own
 * under ./apps and one health check, all answered by the one sample server that `staff` runs (a probe per app,
 * one process). `defaults` is YAML placed under `defaults:`.
 */
export function manyAppsConfig(platform: string, names: string[], defaults: string): string {
  const app = (name: string) => `  ${name}:
    priority: 1
    health:
      checks:
        - name: health
          url: http://127.0.0.1:\${CLINIC_STAFF_PORT}/health
    components:
      release:
        provider: local-release
        path: ./apps/${name}
`
  return `version: 1\nplatform: ${platform}\ndefaults:\n${defaults}apps:\n${names.map(app).join('')}`
}
