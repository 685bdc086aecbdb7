import { type Command, Option } from 'commander'
import { selectApps } from '../../platform/platform.js'
import { createSnapshot } from '../../snapshots/create-snapshot.js'
import { SNAPSHOT_KINDS, type SnapshotRecord } from '../../snapshots/snapshot-record.js'
import { actorOf, globals } from '../global-options.js'
import { formatBytes, printJson, println, table } from '../output.js'
import { runAction, withPlatform } from '../run-action.js'

export function registerSnapshotCreate(snapshot: Command): void {
  snapshot
    .command('create')
    .description('capture every component of each app (before a deploy, on a schedule, or by hand)')
    .argument('<apps...>', 'apps to capture, or "all"')
    .option('--label <label>', 'a label to find it by, e.g. a deploy id')
    .addOption(new Option('--kind <kind>', 'why it was taken').choices(SNAPSHOT_KINDS.filter((k) => k !== 'safety')).default('manual'))
    .option('--reason <reason>', 'why, for the audit trail')
    .action((apps: string[], opts: { label?: string; kind: (typeof SNAPSHOT_KINDS)[number]; reason?: string }, cmd: Command) =>
      runAction(async () => {
        const g = globals(cmd)
        const actor = actorOf(g)
        return withPlatform(g, async (p) => {
          const created: SnapshotRecord[] = []
          for (const app of selectApps(p.config, apps)) {
            created.push(await createSnapshot(p, app, { kind: opts.kind, label: opts.label ?? null, actor, reason: opts.reason ?? null }))
          }
          if (g.json) printJson({ snapshots: created })
          else println(renderCreated(created))
          return 0
        })
      }),
    )
}

function renderCreated(snaps: SnapshotRecord[]): string {
  const rows = snaps.map((s) => [
    s.id,
    s.app,
    s.components.map((c) => `${c.name}=${c.version}`).join(' '),
    formatBytes(s.components.reduce((n, c) => n + (c.bytes ?? 0), 0)),
    s.health,
    s.knownGood ? 'known good' : '',
  ])
  return table(['SNAPSHOT', 'APP', 'VERSIONS', 'SIZE', 'HEALTH', ''], rows)
}
