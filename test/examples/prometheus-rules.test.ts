import { execFile } from 'node:child_process'
import { readFile } from 'node:fs/promises'
import { dirname, join } from 'node:path'
import { promisify } from 'node:util'
import { describe, expect, it } from 'vitest'
import { PACKAGE_ROOT } from '../../src/core/package-root.js'
import { PROMETHEUS_BIN } from '../helpers/prometheus.js'

// The example alerting rules on lastgood itself: valid for Prometheus, firing when and only when they should
// (promtool's own rule tests), and about metrics lastgood exports.

const RULES = join(PACKAGE_ROOT, 'examples/prometheus/lastgood-rules.yml')
const PROMTOOL = join(dirname(PROMETHEUS_BIN), 'promtool')
const promtool = (...args: string[]) => promisify(execFile)(PROMTOOL, args, { cwd: dirname(RULES) })

describe('examples/prometheus', () => {
  it('promtool checks the rules and runs their tests', async () => {
    expect((await promtool('check', 'rules', 'lastgood-rules.yml')).stdout).toContain('SUCCESS: 3 rules found')
    expect((await promtool('test', 'rules', 'lastgood-rules.test.yml')).stdout).toContain('SUCCESS')
  })

  it('alerts only on metrics lastgood exports', async () => {
    const exported = await readFile(join(PACKAGE_ROOT, 'src/server/server-metrics.ts'), 'utf8')
    const used = [...(await readFile(RULES, 'utf8')).matchAll(/lastgood_(\w+)/g)].map((m) => m[1]!)
    expect(used.length).toBeGreaterThan(0)
    for (const name of new Set(used)) expect(exported, name).toContain(`\${METRIC_PREFIX}${name}\``)
  })
})
