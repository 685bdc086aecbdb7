import { execFile } from 'node:child_process'
import path from 'node:path'
import { promisify } from 'node:util'
import { describe, expect, it } from 'vitest'
import { parseConfigText } from '../../src/config/parse-config-text.js'
import { loadError, MINIMAL, writeConfig } from '../config/temp-config.js'

const BIN = path.resolve(import.meta.dirname, '../../bin/lastgood.cjs')

const withSchedules = (yaml: string) => `${MINIMAL}notifications:
  channels:
    ops: { type: webhook, url: "http://127.0.0.1:9/hook", secret: 0123456789abcdef }
  incidents: [ops]
schedules:
${yaml}`

const parse = (yaml: string) => parseConfigText(withSchedules(yaml), '/etc/lastgood/lastgood.yaml', {})

describe('schedules in lastgood.yaml', () => {
  it('resolves each job with its defaults: UTC, every app, every drill, read_data, the incident channels', () => {
    const c = parse(`  nightly: { cron: "0 3 * * *", timezone: Europe/Berlin, run: snapshot-create, apps: [staff] }
  prune: { cron: "@daily", run: snapshot-prune }
  verify: { cron: "0 4 * * 0", run: snapshot-verify, notify: [] }
  monthly-drill: { cron: "0 6 1 * *", run: drill, scenario: [crash] }
  every-2s: { cron: "*/2 * * * * *", run: snapshot-verify, read_data: false }
`)
    expect(c.schedules).toEqual([
      { name: 'every-2s', cron: '*/2 * * * * *', timezone: 'UTC', notify: ['ops'], job: 'snapshot-verify', readData: false },
      { name: 'monthly-drill', cron: '0 6 1 * *', timezone: 'UTC', notify: ['ops'], job: 'drill', scenarios: ['crash'] },
      { name: 'nightly', cron: '0 3 * * *', timezone: 'Europe/Berlin', notify: ['ops'], job: 'snapshot-create', apps: ['staff'] },
      { name: 'prune', cron: '@daily', timezone: 'UTC', notify: ['ops'], job: 'snapshot-prune', apps: [] },
      { name: 'verify', cron: '0 4 * * 0', timezone: 'UTC', notify: [], job: 'snapshot-verify', readData: true },
    ])
  })

  it.each([
    ['  x: { cron: "61 * * * *", run: snapshot-create }\n', 'schedules.x.cron: expected a cron expression of five fields', '"61 * * * *"'],
    ['  x: { cron: "0 3 * *", run: snapshot-create }\n', 'schedules.x.cron: expected a cron expression', 'got "0 3 * *"'],
    ['  x: { cron: "0 0 0 1 1 * 2030", run: drill }\n', 'schedules.x.cron: expected a cron expression', '7 parts'],
    ['  x: { cron: "0 0 30 2 *", run: drill }\n', 'schedules.x.cron: expected a cron expression that falls due, got "0 0 30 2 *"', 'never'],
    [
      '  x: { cron: "0 3 * * *", timezone: Mars/Olympus, run: drill }\n',
      'schedules.x.timezone: expected an IANA time zone',
      '"Mars/Olympus"',
    ],
    ['  x: { cron: "0 3 * * *", run: backup }\n', 'schedules.x.run: expected a job, one of snapshot-create, snapshot-prune', '"backup"'],
    [
      '  x: { cron: "0 3 * * *", run: snapshot-create, apps: [staf] }\n',
      'schedules.x.apps[0]: expected the name of an app (did you mean "staff"?)',
      '',
    ],
    ['  x: { cron: "0 3 * * *", run: snapshot-create, notify: [opz] }\n', 'schedules.x.notify[0]: expected the name of a channel', 'opz'],
    ['  x: { cron: "0 3 * * *", run: drill, scenario: [meteor] }\n', 'schedules.x.scenario[0]: expected a drill, one of', '"meteor"'],
    ['  x: { cron: "0 3 * * *", run: drill, apps: [staff] }\n', 'schedules.x.apps: unknown key', ''],
  ])('refuses %s', async (yaml, message, detail) => {
    const error = await loadError(withSchedules(yaml))
    expect(error).toContain(message)
    expect(error).toContain(detail)
  })

  it('a bad cron expression or time zone stops the command with exit 2, naming the key and its line', async () => {
    const file = await writeConfig(
      withSchedules('  nightly:\n    cron: "0 25 * * *"\n    timezone: Europe/Nowhere\n    run: snapshot-create\n'),
    )
    const r = await promisify(execFile)(process.execPath, [BIN, '--config', file, 'validate']).then(
      () => ({ code: 0, stderr: '' }),
      (err: { code: number; stderr: string }) => err,
    )
    expect(r.code).toBe(2)
    expect(r.stderr).toMatch(/lastgood\.yaml:\d+:\d+: schedules\.nightly\.cron: expected a cron expression .*got "0 25 \* \* \*"/)
    expect(r.stderr).toMatch(/lastgood\.yaml:\d+:\d+: schedules\.nightly\.timezone: expected an IANA time zone .*got "Europe\/Nowhere"/)
  })
})
