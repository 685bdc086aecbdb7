import type { ResolvedApp } from '../config/types.js'
import { protectionGap } from '../monitor/protection-gap.js'
import type { Platform } from '../platform/platform.js'
import { appStatus } from './app-status.js'

export type CheckOutcome = 'ok' | 'warning' | 'failed'

export interface IntegrityCheck {
  area: 'config' | 'deployment' | 'health' | 'repository'
  target: string
  outcome: CheckOutcome
  message: string
}

export interface IntegrityReport {
  ok: boolean
  checks: IntegrityCheck[]
}

/**
 * The seeds' validate-integrity: the configuration loaded (or we would not be here), each component's
 * deployed state can be read and is covered by a snapshot, health passes, and the repository holds every
 * object the snapshots need. Warnings do not fail; failures exit 1.
 */
export async function validateIntegrity(p: Platform, apps: ResolvedApp[]): Promise<IntegrityReport> {
  const checks: IntegrityCheck[] = [{ area: 'config', target: p.config.file, outcome: 'ok', message: `${p.config.apps.length} apps, configuration valid` }]
  for (const app of apps) {
    const gap = protectionGap(app)
    if (gap) checks.push({ area: 'config', target: app.name, outcome: 'warning', message: gap })
    const s = await appStatus(p, app)
    for (const c of s.components) {
      if (c.error) checks.push({ area: 'deployment', target: `${app.name}/${c.name}`, outcome: 'failed', message: c.error })
      else if (!s.lastKnownGood) checks.push({ area: 'deployment', target: `${app.name}/${c.name}`, outcome: 'warning', message: `runs ${c.version}; no known-good snapshot to roll back to` })
      else {
        const good = s.lastKnownGood.versions[c.name]
        checks.push(good === c.version
          ? { area: 'deployment', target: `${app.name}/${c.name}`, outcome: 'ok', message: `runs ${c.version}, the last known good (${s.lastKnownGood.id})` }
          : { area: 'deployment', target: `${app.name}/${c.name}`, outcome: 'warning', message: `runs ${c.version}; last known good is ${good ?? 'absent'} (${s.lastKnownGood.id})` })
      }
    }
    const failing = s.health.probes.filter((x) => !x.ok)
    checks.push({
      area: 'health',
      target: app.name,
      outcome: s.health.state === 'passed' ? 'ok' : s.health.state === 'unknown' ? 'warning' : 'failed',
      message: s.health.state === 'unknown' ? 'no health checks configured' : s.health.state === 'passed' ? `${s.health.probes.length} check(s) passed` : failing.map((x) => `${x.check}: ${x.error}`).join('; '),
    })
  }
  const verify = await p.repository.verify({ readData: false })
  checks.push(verify.ok
    ? { area: 'repository', target: p.config.repository.path, outcome: 'ok', message: `${verify.checked.snapshots} snapshots, ${verify.checked.blobs} objects present` }
    : { area: 'repository', target: p.config.repository.path, outcome: 'failed', message: verify.problems.map((x) => `${x.object}: ${x.message}`).join('; ') })
  return { ok: checks.every((c) => c.outcome !== 'failed'), checks }
}
