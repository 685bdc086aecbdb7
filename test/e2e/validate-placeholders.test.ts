import { execFile } from 'node:child_process'
import path from 'node:path'
import { promisify } from 'node:util'
import { describe, expect, it } from 'vitest'
import { loadConfig } from '../../src/config/load-config.js'
import { placeholderChannels } from '../../src/inspect/placeholder-channels.js'
import { tempDir } from '../config/temp-config.js'

const EXAMPLE = path.resolve(import.meta.dirname, '../../examples/clinic/lastgood.yaml')
const BIN = path.resolve(import.meta.dirname, '../../bin/lastgood.cjs')
const run = promisify(execFile)

/** What a real platform sets: the example's channel variables, with values that look like real endpoints. */
const REAL = {
  SLACK_IT_WEBHOOK_URL: 'https://hooks.slack.com/services/T0ABCDE12/B0FGHIJ34/q8Wm2kLr9ZtYpXc1',
  SLACK_FRONT_DESK_WEBHOOK_URL: 'https://hooks.slack.com/services/T0ABCDE12/B0KLMNO56/h3Jd8sQw1VbNm0Rt',
  SLACK_PHARMACY_WEBHOOK_URL: 'https://hooks.slack.com/services/T0ABCDE12/B0PQRST78/z5Xc9vBn2MkLp4Ws',
  PAGERDUTY_ROUTING_KEY: 'R0uT1nGk3y0123456789abcdef0123',
  MANAGEMENT_EMAIL: 'manager@northside-clinic.org',
  COMPLIANCE_EMAIL: 'privacy-officer@northside-clinic.org',
  SMTP_HOST: 'smtp.northside-clinic.org',
  SMTP_PASSWORD: 'w7!Lq-94zz',
  STAFF_WEBHOOK_URL: 'https://hooks.northside-clinic.org/lastgood',
  STAFF_WEBHOOK_SECRET: 'd1f0a9c3b7e24f6a8c5d',
  SECURITY_WEBHOOK_URL: 'https://soc.northside-clinic.org/intake',
  SECURITY_WEBHOOK_SECRET: '5e8b2c7a1d9f4e3b6a0c',
}

describe('validate reports placeholder channel endpoints as warnings', () => {
  it("names every channel of the example left on its placeholder, and the field, never a real URL's path", async () => {
    const warnings = placeholderChannels(await loadConfig(EXAMPLE, {}))
    expect(warnings.map((w) => w.target)).toEqual(
      ['it-team', 'on-call', 'management', 'all-staff', 'front-desk', 'pharmacy', 'security', 'compliance'].map(
        (c) => `notifications.channels.${c}`,
      ),
    )
    expect(warnings[0]!.message).toBe(
      'slack channel it-team: webhook_url (host hooks.slack.com, a path of filler such as T000) is a placeholder; notifications to it will not reach anyone until it is set',
    )
    expect(warnings[2]!.message).toBe(
      'email channel management: smtp.host (smtp.clinic.example); to; smtp.password are placeholders; notifications to it will not reach anyone until it is set',
    )
    expect(warnings[3]!.message).toMatch(/^webhook channel all-staff: url \(host hooks\.clinic\.example\); secret are placeholders/)
  })

  it('says nothing of channels set to real endpoints, and never repeats their secrets', async () => {
    expect(placeholderChannels(await loadConfig(EXAMPLE, REAL))).toEqual([])
  })

  it('`lastgood validate` lists them as config warnings', async () => {
    const dir = await tempDir()
    const config = path.join(dir, 'lastgood.yaml')
    await run(process.execPath, [BIN, 'init', '--example', 'clinic', '--config', config], { cwd: dir })
    // The example's apps are not deployed here, so validate fails on them (exit 1): the warnings come anyway.
    const result = await run(process.execPath, [BIN, '--json', '--config', config, 'validate'], { cwd: dir }).catch(
      (err: { stdout: string; code: number }) => err,
    )
    expect((result as { code?: number }).code ?? 0).not.toBe(2)
    const report = JSON.parse(result.stdout) as { checks: { area: string; target: string; outcome: string }[] }
    const placeholders = report.checks.filter((c) => c.target.startsWith('notifications.channels.'))
    expect(placeholders.map((c) => [c.area, c.outcome])).toEqual(Array(8).fill(['config', 'warning']))
  })
})
