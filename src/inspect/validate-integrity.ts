import type { ResolvedApp } from '../config/types.js'
import { protectionGap } from '../monitor/protection-gap.js'
import type { Platform } from '../platform/platform.js'
import { appStatuses } from './app-status.js'
import { placeholderChannels } from './placeholder-channels.js'
import { unconfiguredSnapshotChecks } from './unconfigured-snapshots-check.js'
import type { CheckOutcome, IntegrityCheck, IntegrityReport } from './integrity-check.js'

/**
 * The seeds' validate-integrity: the configuration loaded (or we would not be here), each component's
 * deployed state can be read and is covered by a snapshot, health passes, and the repository holds every
 * object the snapshots need. Warnings do not fail; failures exit 1.
 */
export async function validateIntegrity(p: Platform, apps: ResolvedApp[]): Promise<IntegrityReport> {
  const checks: IntegrityCheck[] = [
    { area: 'config', target: p.config.file, outcome: 'ok', message: `${p.config.apps.length} apps, configuration valid` },
  ]
  for (const w of placeholderChannels(p.config)) checks.push({ area: 'config', target: w.target, outcome: 'warning', message: w.message })
  const statuses = new Map((await appStatuses(p, apps)).map((s) => [s.app, s]))
  for (const app of apps) {
    const gap = protectionGap(app)
    if (gap) checks.push({ area: 'config', target: app.name, outcome: 'warning', message: gap })
    const s = statuses.get(app.name)!
    for (const c of s.components) {
      const check = (outcome: CheckOutcome, message: string) =>
        checks.push({ area: 'deployment', target: `${app.name}/${c.name}`, outcome, message })
      const t = c.rollbackTarget
      if (c.error) check('failed', c.error)
      else if (s.lastKnownGood?.versions[c.name] === c.version)
        check('ok', `runs ${c.version}, the last known good (${s.lastKnownGood.id})`)
      else if (t) check('warning', `runs ${c.version}, not known good; a rollback restores ${t.version} (${t.snapshot})`)
      else check('warning', `runs ${c.version}; nothing to roll back to: ${c.noRollbackTarget ?? 'no known-good snapshot'}`)
    }
    const failing = s.health.probes.filter((x) => !x.ok)
    checks.push({
      area: 'health',
      target: app.name,
      outcome: s.health.state === 'passed' ? 'ok' : s.health.state === 'unknown' ? 'warning' : 'failed',
      message:
        s.health.state === 'unknown'
          ? 'no health checks configured'
          : s.health.state === 'passed'
            ? `${s.health.probes.length} check(s) passed`
            : failing.map((x) => `${x.check}: ${x.error}`).join('; '),
    })
  }
  checks.push(...(await unconfiguredSnapshotChecks(p)))
  const verify = await p.repository.verify({ readData: false })
  checks.push(
    verify.ok
      ? {
          area: 'repository',
          target: p.config.repository.path,
          outcome: 'ok',
          message: `${verify.checked.snapshots} snapshots, ${verify.checked.blobs} objects present`,
        }
      : {
          area: 'repository',
          target: p.config.repository.path,
          outcome: 'failed',
          message: verify.problems.map((x) => `${x.object}: ${x.message}`).join('; '),
        },
  )
  return { ok: checks.every((c) => c.outcome !== 'failed'), checks }
}
