import { execFile } from 'node:child_process'
import { readFile } from 'node:fs/promises'
import { dirname, join } from 'node:path'
import { promisify } from 'node:util'
import { describe, expect, it } from 'vitest'
import { PACKAGE_ROOT } from '../../src/core/package-root.js'
import { SamplePlatform } from '../../src/demo/sample-platform.js'
import { openPlatform } from '../../src/platform/open-platform.js'
import { createServerMetrics } from '../../src/server/server-metrics.js'
import { singleAppConfig } from '../helpers/configs.js'
import { PROMETHEUS_BIN } from '../helpers/prometheus.js'

// The example alerting rules on lastgood itself: valid for Prometheus, firing when and only when they should
// (promtool's own rule tests), and about metrics lastgood exports.

const RULES = join(PACKAGE_ROOT, 'examples/prometheus/alert-rules.yml')
const PROMTOOL = join(dirname(PROMETHEUS_BIN), 'promtool')
const promtool = (...args: string[]) => promisify(execFile)(PROMTOOL, args, { cwd: dirname(RULES) })

describe('examples/prometheus', () => {
  it('promtool checks the rules and runs their tests', async () => {
    expect((await promtool('check', 'rules', 'alert-rules.yml')).stdout).toContain('SUCCESS: 4 rules found')
    expect((await promtool('test', 'rules', 'alert-rules.test.yml')).stdout).toContain('SUCCESS')
  })

  it('alerts only on metrics lastgood exports', async () => {
    const sample = await SamplePlatform.create({ configText: singleAppConfig() })
    try {
      expect((await sample.cli(['init'])).code).toBe(0)
      const p = await openPlatform(sample.configFile, { env: sample.platformEnv() })
      const exported = new Set((await createServerMetrics(p).registry.getMetricsAsJSON()).map((m) => m.name))
      await p.close()
      const used = [...(await readFile(RULES, 'utf8')).matchAll(/\blastgood_\w+/g)].map((m) => m[0])
      expect(used.length).toBeGreaterThan(0)
      for (const name of new Set(used)) expect(exported, name).toContain(name)
    } finally {
      await sample.destroy()
    }
  })
})
