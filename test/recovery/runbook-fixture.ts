import { readFile } from 'node:fs/promises'
import { join } from 'node:path'
import { expect } from 'vitest'
import { SamplePlatform, withEnv } from '../../src/demo/sample-platform.js'
import { DEFAULT_SEVERITY, type Incident, type IncidentType } from '../../src/recovery/incident.js'
import { escalateIncident } from '../../src/recovery/escalation.js'
import { findIncident } from '../../src/recovery/incident-store.js'
import { openIncidentIn } from '../../src/recovery/open-incident.js'
import { type RunbookResult, runRunbook } from '../../src/recovery/runbook/run-runbook.js'
import { loadTimeline } from '../../src/recovery/timeline.js'
import { openPlatform } from '../../src/platform/open-platform.js'
import type { Platform } from '../../src/platform/platform.js'

/** Real sample apps plus the platform opened in this process, as `lastgood incident declare` opens it. */
export class RunbookFixture {
  escalations: string[] = []

  private constructor(
    readonly sample: SamplePlatform,
    public p: Platform,
  ) {}

  static async create(configText?: string, setup?: (s: SamplePlatform) => Promise<void>): Promise<RunbookFixture> {
    process.env.LASTGOOD_LOG ??= 'silent'
    const sample = await SamplePlatform.create(configText ? { configText } : {})
    await setup?.(sample)
    const init = await sample.cli(['init'])
    expect(init.code, init.stderr).toBe(0)
    return new RunbookFixture(sample, await withEnv(sample.env, () => openPlatform(sample.configFile)))
  }

  path(...parts: string[]): string {
    return join(this.sample.dir, ...parts)
  }

  read(...parts: string[]): Promise<string> {
    return readFile(this.path(...parts), 'utf8')
  }

  /**
   * Declares through the same code as the CLI (row, timeline, level 1, message), without running the runbook.
   * The platform is opened afresh first, as the declaring command would be: a repository opened earlier does
   * not see the snapshots the CLI took since.
   */
  async declare(type: IncidentType, scope: string[], target: string | null = null): Promise<Incident> {
    await this.p.close()
    this.p = await withEnv(this.sample.env, () => openPlatform(this.sample.configFile))
    return this.p.state.writeTransaction((tx) =>
      openIncidentIn(
        tx,
        this.p.config,
        {
          type,
          severity: DEFAULT_SEVERITY[type],
          scope,
          reason: 'test',
          actor: 'tester',
          target,
          details: {},
        },
        Date.now(),
      ),
    )
  }

  /** Runs the runbook; a stop step escalates the incident for real (level + 1). */
  async run(incident: Incident): Promise<RunbookResult> {
    return withEnv(this.sample.env, () =>
      runRunbook(this.p, incident, {
        actor: 'tester',
        escalate: async (reason) => {
          this.escalations.push(reason)
          await escalateIncident(this.p, incident.id, { actor: 'tester', reason })
        },
      }),
    )
  }

  async incident(id: string): Promise<Incident> {
    return (await findIncident(this.p.state.db, id))!
  }

  timeline(id: string) {
    return loadTimeline(this.p.state.db, id)
  }

  /** Audit events of one incident, in chain order. */
  async audit(id: string): Promise<Array<{ seq: number; action: string; details: Record<string, unknown> }>> {
    const rows = await this.p.state.db.selectFrom('audit_events').selectAll().where('target', '=', id).orderBy('seq', 'asc').execute()
    return rows.map((r) => ({ seq: Number(r.seq), action: r.action, details: JSON.parse(r.details) as Record<string, unknown> }))
  }

  async queued(id: string): Promise<Array<{ kind: string; channel: string; text: string; lifecycle: string }>> {
    const rows = await this.p.state.db
      .selectFrom('notifications')
      .selectAll()
      .where('incident_id', '=', id)
      .orderBy('created_at', 'asc')
      .execute()
    return rows.map((r) => {
      const m = JSON.parse(r.message) as { text: string; lifecycle: string }
      return { kind: r.kind, channel: r.channel, text: m.text, lifecycle: m.lifecycle }
    })
  }

  async destroy(): Promise<void> {
    await this.p.close().catch(() => undefined)
    await this.sample.destroy()
  }
}
