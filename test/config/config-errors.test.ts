import { describe, expect, it } from 'vitest'
import { ConfigError } from '../../src/config/config-error.js'
import { issueText } from '../../src/config/format-issues.js'
import { loadConfig } from '../../src/config/load-config.js'
import { parseConfigText } from '../../src/config/parse-config-text.js'
import { exitCodeOf, UserError } from '../../src/core/errors.js'
import { BAD_CONFIGS, edit } from './bad-configs.js'
import { loadError, MINIMAL, tempDir, writeConfig } from './temp-config.js'

describe('a bad configuration names the file, the line, the path and what was expected', () => {
  for (const bad of BAD_CONFIGS) {
    it(bad.name, async () => {
      const message = await loadError(bad.text)
      if (typeof bad.error === 'string') expect(message).toBe(bad.error)
      else expect(message).toMatch(bad.error)
    })
  }

  it('a bad duration under defaults.rollback.validation exits 2 (it crashed with exit 1)', async () => {
    const { text } = BAD_CONFIGS.find((b) => b.name.startsWith('a bad duration under defaults.rollback.validation'))!
    expect(exitCodeOf(await loadConfig(await writeConfig(text), {}).catch((err: unknown) => err))).toBe(2)
  })

  it('unset environment variable without a default', async () => {
    const text = edit('http://127.0.0.1:4101/health', 'http://127.0.0.1:${STAFF_PORT}/health')
    expect(await loadError(text)).toBe(
      'lastgood.yaml:9:16: apps.staff.health.checks[0].url: environment variable STAFF_PORT is not set; expected it set, or a default as in ${STAFF_PORT:-value}',
    )
  })

  it('a value that is wrong after interpolation says where it came from', async () => {
    const text = edit('    health:\n', '    health:\n      interval: ${STAFF_INTERVAL:-30s}\n')
    expect(await loadError(text, { STAFF_INTERVAL: 'soon' })).toBe(
      'lastgood.yaml:7:17: apps.staff.health.interval: expected a duration such as 30s, got "soon" (from "${STAFF_INTERVAL:-30s}")',
    )
  })

  it('YAML syntax error with line and column', async () => {
    // An unclosed list is noticed where the next key starts.
    expect(await loadError(edit('    priority: 1\n', '    priority: [1\n'))).toBe(
      'lastgood.yaml:6:5: YAML syntax error: Flow sequence in block collection must be sufficiently indented and end with a ]',
    )
    expect(await loadError('platform: clinic\nplatform: other\n')).toBe('lastgood.yaml:2:1: YAML syntax error: Map keys must be unique')
    expect(await loadError('platform: clinic\n\tapps: {}\n')).toMatch(/^lastgood\.yaml:2:1: YAML syntax error: /)
  })

  it('an empty file or a list is not a configuration', async () => {
    expect(await loadError('')).toBe('lastgood.yaml: expected a configuration mapping (version, platform, apps, …), got an empty value')
    expect(await loadError('- a\n- b\n')).toBe(
      'lastgood.yaml:1:1: expected a configuration mapping (version, platform, apps, …), got ["a","b"]',
    )
  })

  it('reports every problem at once, one per line, in file order', async () => {
    const text = MINIMAL.replace('version: 1', 'version: 2')
      .replace('priority: 1', 'priority: -1')
      .replace('provider: local-release', 'provider: kubernetes')
      .replace('    health:\n', '    health:\n      interval: thirty\n      failures: 0\n')
    expect((await loadError(text)).split('\n')).toEqual([
      'lastgood.yaml:1:10: version: expected 1, the only configuration version there is, got 2',
      'lastgood.yaml:5:15: apps.staff.priority: expected an integer >= 1, got -1',
      'lastgood.yaml:7:17: apps.staff.health.interval: expected a duration such as 30s, got "thirty"',
      'lastgood.yaml:8:17: apps.staff.health.failures: expected an integer >= 1, got 0',
      'lastgood.yaml:14:19: apps.staff.components.release.provider: expected a provider, one of local-release, command, got "kubernetes"',
    ])
  })

  it('is a UserError (exit 2) carrying the issues as data', async () => {
    let error: unknown
    try {
      parseConfigText(MINIMAL.replace('priority: 1', 'priority: 0'), 'lastgood.yaml', {})
    } catch (err) {
      error = err
    }
    expect(error).toBeInstanceOf(ConfigError)
    expect(error).toBeInstanceOf(UserError)
    expect(exitCodeOf(error)).toBe(2)
    expect((error as ConfigError).issues).toEqual([
      { path: 'apps.staff.priority', message: 'expected an integer >= 1, got 0', line: 5, column: 15 },
    ])
  })

  it('a missing file is named, with the way to create one', async () => {
    const dir = await tempDir()
    const missing = `${dir}/nope.yaml`
    const error = await loadConfig(missing, {}).catch((err: unknown) => err)
    expect(error).toBeInstanceOf(UserError)
    expect((error as Error).message).toBe(
      `${missing}: no such configuration file; create one with \`lastgood init --example minimal\` (or capistrano, clinic), or name another with --config FILE or LASTGOOD_CONFIG`,
    )
    await expect(loadConfig(dir, {})).rejects.toThrow(`${dir}: is a directory; expected a configuration file`)
  })
})

describe('secrets are never echoed', () => {
  const command = (env: string) =>
    MINIMAL.replace(
      '        provider: local-release\n        path: ./apps/staff\n',
      `        provider: command\n        current: echo 1\n        capture: echo 2\n        restore: cat\n        env:\n${env}`,
    )

  it('a bad value under a secret-looking key shows as ***', async () => {
    const message = await loadError(command('          DB_PASSWORD: [hunter2-is-secret]\n          API_TOKEN: { t: tok-123456 }\n'))
    expect(message.split('\n')).toEqual([
      'lastgood.yaml:17:24: apps.staff.components.release.env.DB_PASSWORD: expected a string, number or boolean, got ***',
      'lastgood.yaml:18:22: apps.staff.components.release.env.API_TOKEN: expected a string, number or boolean, got ***',
    ])
    expect(message).not.toContain('hunter2')
    expect(message).not.toContain('tok-123456')
  })

  it('nor the text of a broken reference under a secret key', async () => {
    const message = await loadError(command('          CLIENT_SECRET: ${CLIENT_SECRET:-sk-live-4242\n'))
    expect(message).toBe(
      'lastgood.yaml:17:26: apps.staff.components.release.env.CLIENT_SECRET: expected "}" to close "${", got ***; write $$ for a literal $',
    )
    expect(message).not.toContain('sk-live')
  })

  it('nor the source text of an interpolated value under a secret key', () => {
    const issue = { path: ['notify', 'smtp', 'password'], message: 'expected a string, got {got}', got: 42 }
    expect(issueText(issue, '${SMTP_PASSWORD:-hunter2}')).toBe('expected a string, got ***')
    expect(issueText({ ...issue, path: ['notify', 'smtp', 'port'] }, '${SMTP_PORT:-x}')).toBe(
      'expected a string, got 42 (from "${SMTP_PORT:-x}")',
    )
  })

  it('credentials in a URL are masked wherever they appear', async () => {
    const message = await loadError(edit('url: http://127.0.0.1:4101/health', 'url: ftp://admin:pa55word@db.internal/health'))
    expect(message).toContain('got "ftp://***@db.internal/health"')
    expect(message).not.toContain('pa55word')
  })
})
