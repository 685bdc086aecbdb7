import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { initPlatform } from '../../src/platform/init-platform.js'
import { openPlatform } from '../../src/platform/open-platform.js'
import type { Platform } from '../../src/platform/platform.js'
import type { Engine } from '../helpers/state-engines.js'

/** The seeds' escalation levels and continuity plans over four apps, with webhook channels nobody listens on. */
export function recoveryConfig(
  opts: { database?: string; levels?: string; statusUpdates?: string; port?: number; incidents?: string } = {},
): string {
  const app = (name: string, priority: number) => `  ${name}:
    priority: ${priority}
    health:
      checks:
        - name: health
          url: http://127.0.0.1:1/${name}
    components:
      release: { provider: local-release, path: ./apps/${name} }
`
  const hook = (name: string) =>
    `    ${name}: { type: webhook, url: "http://127.0.0.1:${opts.port ?? 9}/${name}", secret: "0123456789abcdef-${name}" }\n`
  return `version: 1
platform: test
${opts.database ?? ''}defaults:
  health: { interval: 1s, timeout: 1s, failures: 2 }
apps:
${app('staff', 1)}${app('inventory', 2)}${app('handouts', 3)}${app('checkin-kiosk', 5)}notifications:
  channels:
${['it-team', 'management', 'all-staff', 'front-desk', 'pharmacy'].map(hook).join('')}  incidents: ${opts.incidents ?? '[it-team]'}
  status_updates: ${opts.statusUpdates ?? '10m'}
  timeout: 1s
  retry: { attempts: 2, backoff: 100ms }
escalation:
  levels:
${
  opts.levels ??
  `    - after: 0s
      notify: [it-team]
      actions: [Automatic rollback activation, Health check validation, IT team notification]
    - after: 15m
      notify: [management]
      actions: [Manual rollback procedures, Emergency procedures activation, Management notification]
    - after: 30m
      notify: [all-staff]
      activate_continuity: true
      actions: [Disaster recovery activation, Business continuity plans, All staff and external stakeholder notification]
`
}continuity:
  patient-check-in: { function: Patient Check-in, apps: [checkin-kiosk, staff], fallback: Paper-based check-in forms, max_downtime: 15m, notify: [front-desk] }
  medical-inventory: { function: Medical Inventory Management, apps: [inventory], fallback: Paper inventory tracking, max_downtime: 30m, notify: [pharmacy] }
  patient-education: { function: Patient Education Materials, apps: [handouts], fallback: Pre-printed handouts, max_downtime: 60m }
`
}

/** A platform on one state engine, opened as a process would; reopen() is a restart (close, open again). */
export class RecoveryPlatform {
  private constructor(
    readonly dir: string,
    readonly configFile: string,
    private readonly cleanupState: () => Promise<void>,
    public p: Platform,
  ) {}

  static async create(engine: Engine, opts: Omit<Parameters<typeof recoveryConfig>[0], 'database'> = {}): Promise<RecoveryPlatform> {
    process.env.LASTGOOD_LOG ??= 'silent'
    const fixture = await engine.fixture()
    const dir = await mkdtemp(join(tmpdir(), 'lastgood-recovery-'))
    const configFile = join(dir, 'lastgood.yaml')
    await writeFile(configFile, recoveryConfig({ ...opts, database: fixture.configBlock }))
    await initPlatform({ configFile, actor: 'tester' })
    return new RecoveryPlatform(dir, configFile, () => fixture.cleanup(), await openPlatform(configFile))
  }

  /** Another process on the same state (a replica, or the same platform after a restart). */
  open(): Promise<Platform> {
    return openPlatform(this.configFile)
  }

  async reopen(): Promise<Platform> {
    await this.p.close()
    this.p = await this.open()
    return this.p
  }

  async destroy(): Promise<void> {
    await this.p.close().catch(() => undefined)
    await this.cleanupState()
    await rm(this.dir, { recursive: true, force: true })
  }

  /** Queued messages as (kind, channel) pairs, in the order they were queued. */
  async queued(incident?: string): Promise<Array<{ kind: string; channel: string; text: string }>> {
    let q = this.p.state.db
      .selectFrom('notifications')
      .select(['kind', 'channel', 'message', 'created_at'])
      .orderBy('created_at', 'asc')
      .orderBy('kind', 'asc')
      .orderBy('channel', 'asc')
    if (incident) q = q.where('incident_id', '=', incident)
    return (await q.execute()).map((r) => ({ kind: r.kind, channel: r.channel, text: (JSON.parse(r.message) as { text: string }).text }))
  }
}
