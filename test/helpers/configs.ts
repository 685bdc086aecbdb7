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
  return staffConfig(
    release,
    '{ window: 30s, passes: 2, interval: 250ms }',
    `${opts.retention ? `    retention: ${opts.retention}\n` : ''}${opts.extra ?? ''}`,
  )
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

/**
 * For RELIABILITY case 16. staff: one release with the seeds' health trigger, kept to its last snapshot by
 * retention. inventory: a release and a data component whose version is a checksum of its rows (data/records.json),
 * as a database's would be; its data_corruption runbook is the built-in one (evidence, then restore_data).
 */
export function rollbackTargetsConfig(database = ''): string {
  return `version: 1
platform: test
${database}defaults:
  health: { interval: 1s, timeout: 2s }
  rollback: { validation: { window: 10s, passes: 2, interval: 200ms } }
apps:
  staff:
    priority: 1
    health: { checks: [{ name: health, url: "http://127.0.0.1:\${CLINIC_STAFF_PORT}/health" }] }
    components:
      release: { provider: local-release, path: ./apps/staff }
    triggers:
      health: { kind: health_failures, action: rollback }
    retention: { keep_last: 1, keep_within: 1ms }
  inventory:
    priority: 2
    health: { checks: [{ name: health, url: "http://127.0.0.1:\${CLINIC_INVENTORY_PORT}/health" }] }
    components:
      release: { provider: local-release, path: ./apps/inventory }
      records:
        provider: command
        data: true
        current: cksum < data/records.json | cut -d' ' -f1
        capture: cat data/records.json
        restore: |
          node -e 'const fs = require("fs"); fs.writeFileSync("data/records.json", JSON.parse(fs.readFileSync(0, "utf8")).captured)'
`
}
