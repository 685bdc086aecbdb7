/** Small configurations for tests that need something the example does not have. */

/** One app `staff` with one health check on the sample app's port; components and validation are the caller's. */
function staffConfig(components: string, validation: string, extra = ''): string {
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
${components}    rollback:
      validation: ${validation}
${extra}`
}

export function singleAppConfig(opts: { restart?: string; retention?: string; extra?: string } = {}): string {
  const release = `      release:
        provider: local-release
        path: ./apps/staff
${opts.restart ? `        restart: ${JSON.stringify(opts.restart)}\n` : ''}`
  return staffConfig(release, '{ window: 30s, passes: 2, interval: 250ms }', `${opts.retention ? `    retention: ${opts.retention}\n` : ''}${opts.extra ?? ''}`)
}

/**
 * One app, three local-release components restored in order (release-a, -b, -c under ./apps/staff-a, -b, -c);
 * each restart appends the release it switched to to restarts.log in its deploy root, so a test can count
 * effects. The validation window is 30 s unless STAFF_VALIDATION_WINDOW says otherwise for one command (a
 * test that needs validation to fail does not wait 30 s). For RELIABILITY case 7.
 */
export function threeReleaseConfig(): string {
  const component = (x: string) => `      release-${x}:
        provider: local-release
        path: ./apps/staff-${x}
        restart: "readlink current >> restarts.log"
`
  return staffConfig(['a', 'b', 'c'].map(component).join(''), '{ window: "${STAFF_VALIDATION_WINDOW:-30s}", passes: 2, interval: 250ms }')
}
