import { homedir } from 'node:os'
import path from 'node:path'
import { describe, expect, it } from 'vitest'
import { configFileName, loadConfig } from '../../src/config/load-config.js'
import { parseConfigText } from '../../src/config/parse-config-text.js'
import { writeConfig } from './temp-config.js'

const text = `version: 1
platform: lab
state_dir: /var/lib/lastgood
repository:
  key_file: ~/lastgood.key
  compression_level: 9
defaults:
  health: { interval: 15s, failures: 5 }
  retention: { keep_last: 20 }
  rollback:
    timeout: 5m
    validation: { window: 1m, passes: 2, interval: 1s }
apps:
  zeta:
    priority: 2
    components:
      web: { provider: local-release, path: /srv/zeta, releases_dir: builds, current_link: live, restart: systemctl restart zeta }
  alpha:
    priority: 2
    description: Alpha
    health:
      timeout: 3s
      checks:
        - { name: api, url: "https://alpha.example/health", method: HEAD, expect_status: [200, 204, 200] }
        - { name: page, url: "http://127.0.0.1:8080/", expect_body: ok, timeout: 1500ms }
    retention: { keep_within: 7d }
    rollback:
      timeout: 20m
      validation: { passes: 10, interval: 6s }
    components:
      "2": { provider: command, current: v, capture: c, restore: r, cwd: ops, artifacts: [conf/app.toml, /etc/alpha.conf], timeout: 30s, env: { RETRIES: 3, DEBUG: false } }
      "1": { provider: local-release, path: releases/alpha }
      db: { provider: command, current: v, capture: c, restore: r }
  first:
    priority: 1
    components:
      app: { provider: local-release, path: ./first }
`

describe('resolveConfig', () => {
  const file = '/etc/lab/lastgood.yaml'
  const config = parseConfigText(text, file, {})

  it('resolves paths against the config file, ~ against home', () => {
    expect(config).toMatchObject({
      file,
      dir: '/etc/lab',
      platform: 'lab',
      stateDir: '/var/lib/lastgood',
      repository: {
        path: '/var/lib/lastgood/repo',
        keyFile: path.join(homedir(), 'lastgood.key'),
        compressionLevel: 9,
      },
    })
  })

  it('audit.checkpoint_file is optional and resolves against the config file', () => {
    expect(config.audit).toEqual({})
    const withCopy = parseConfigText(text.replace('defaults:', 'audit:\n  checkpoint_file: ../worm/checkpoints.jsonl\ndefaults:'), file, {})
    expect(withCopy.audit).toEqual({ checkpointFile: '/etc/worm/checkpoints.jsonl' })
    expect(() => parseConfigText(text.replace('defaults:', 'audit:\n  checkpoint_files: x\ndefaults:'), file, {})).toThrow(
      /checkpoint_files/,
    )
  })

  it('sorts apps by priority, then name', () => {
    expect(config.apps.map((a) => a.name)).toEqual(['first', 'alpha', 'zeta'])
  })

  it('merges defaults into each app, app values winning', () => {
    const [first, alpha] = config.apps
    expect(first).toEqual({
      name: 'first',
      priority: 1,
      health: { intervalMs: 15_000, timeoutMs: 10_000, failures: 5, checks: [] },
      components: [
        {
          name: 'app',
          provider: 'local-release',
          path: '/etc/lab/first',
          releasesDir: 'releases',
          currentLink: 'current',
          restartTimeoutMs: 60_000,
        },
      ],
      retention: { keepLast: 20, keepWithinMs: 30 * 86_400_000 },
      rollback: { timeoutMs: 300_000, validation: { windowMs: 60_000, passes: 2, intervalMs: 1000 } },
      triggers: [],
      prometheusSelector: 'job="first"',
      approvals: 1,
    })
    expect(alpha).toMatchObject({
      description: 'Alpha',
      health: { intervalMs: 15_000, timeoutMs: 3000, failures: 5 },
      retention: { keepLast: 20, keepWithinMs: 7 * 86_400_000 },
      rollback: { timeoutMs: 1_200_000, validation: { windowMs: 60_000, passes: 10, intervalMs: 6000 } },
    })
  })

  it('gives each check its own timeout, else the health timeout', () => {
    expect(config.apps[1]!.health.checks).toEqual([
      { name: 'api', url: 'https://alpha.example/health', method: 'HEAD', expectStatus: [200, 204], timeoutMs: 3000 },
      { name: 'page', url: 'http://127.0.0.1:8080/', method: 'GET', expectStatus: [200], expectBody: 'ok', timeoutMs: 1500 },
    ])
  })

  it('keeps components in file order, even named like numbers', () => {
    const alpha = config.apps[1]!
    expect(alpha.components.map((c) => c.name)).toEqual(['2', '1', 'db'])
    expect(alpha.components[0]).toEqual({
      name: '2',
      provider: 'command',
      current: 'v',
      capture: 'c',
      restore: 'r',
      cwd: '/etc/lab/ops',
      artifacts: ['/etc/lab/ops/conf/app.toml', '/etc/alpha.conf'],
      timeoutMs: 30_000,
      env: { RETRIES: '3', DEBUG: 'false' },
    })
    expect(alpha.components[2]).toMatchObject({ cwd: '/etc/lab', artifacts: [], env: {}, timeoutMs: 300_000 })
    expect(config.apps[2]!.components[0]).toEqual({
      name: 'web',
      provider: 'local-release',
      path: '/srv/zeta',
      releasesDir: 'builds',
      currentLink: 'live',
      restart: 'systemctl restart zeta',
      restartTimeoutMs: 60_000,
    })
  })

  it('a relative file name resolves against the working directory', () => {
    const relative = parseConfigText(text, 'conf/lastgood.yaml', {})
    expect(relative.file).toBe(path.resolve('conf/lastgood.yaml'))
    expect(relative.apps[0]!.components[0]).toMatchObject({ path: path.resolve('conf/first') })
  })
})

describe('the configuration file', () => {
  it('is the argument, else $LASTGOOD_CONFIG, else ./lastgood.yaml', () => {
    expect(configFileName('a.yaml', { LASTGOOD_CONFIG: 'b.yaml' })).toBe('a.yaml')
    expect(configFileName(undefined, { LASTGOOD_CONFIG: 'b.yaml' })).toBe('b.yaml')
    expect(configFileName(undefined, {})).toBe('lastgood.yaml')
  })

  it('is read from $LASTGOOD_CONFIG by loadConfig', async () => {
    const file = await writeConfig(text)
    const config = await loadConfig(undefined, { LASTGOOD_CONFIG: file })
    expect(config.file).toBe(file)
    expect(config.apps.find((a) => a.name === 'first')!.components[0]).toMatchObject({
      path: path.join(path.dirname(file), 'first'),
    })
  })
})
