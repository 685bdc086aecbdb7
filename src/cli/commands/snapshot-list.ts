import type { Command } from 'commander'
import { findApp } from '../../platform/platform.js'
import { listSnapshots, requireSnapshot, type SnapshotRecord } from '../../snapshots/snapshot-record.js'
import { globals } from '../global-options.js'
import { formatBytes, printJson, println, table } from '../output.js'
import { runAction, withPlatform } from '../run-action.js'

export function registerSnapshotList(snapshot: Command): void {
  snapshot
    .command('list')
    .description('snapshots still kept, newest first')
    .argument('[app]', 'only this app')
    .action((app: string | undefined, _opts: unknown, cmd: Command) =>
      runAction(async () => {
        const g = globals(cmd)
        return withPlatform(g, async (p) => {
          if (app) findApp(p.config, app)
          const snaps = await listSnapshots(p.state.db, app)
          if (g.json) printJson({ snapshots: snaps })
          else println(snaps.length === 0 ? 'no snapshots yet: take one with `lastgood snapshot create APP`' : renderList(snaps))
          return 0
        })
      }),
    )

  snapshot
    .command('show')
    .description('one snapshot in full: components, versions, health at capture')
    .argument('<id>')
    .action((id: string, _opts: unknown, cmd: Command) =>
      runAction(async () => {
        const g = globals(cmd)
        return withPlatform(g, async (p) => {
          const s = await requireSnapshot(p.state.db, id, { allowPruned: true })
          if (g.json) printJson({ snapshot: s })
          else println(renderShow(s))
          return 0
        })
      }),
    )
}

function renderList(snaps: SnapshotRecord[]): string {
  return table(
    ['SNAPSHOT', 'APP', 'KIND', 'CREATED', 'VERSIONS', 'HEALTH', 'GOOD', 'LABEL', 'PLATFORM'],
    snaps.map((s) => [
      s.id, s.app, s.kind, s.createdAt.replace('T', ' ').slice(0, 19),
      s.components.map((c) => `${c.name}=${c.version}`).join(' '), s.health, s.knownGood ? 'yes' : '', s.label ?? '', s.platformSnapshot ?? '',
    ]),
  )
}

function renderShow(s: SnapshotRecord): string {
  const lines = [
    `snapshot   ${s.id}`,
    `app        ${s.app}`,
    `kind       ${s.kind}${s.label ? ` (label ${s.label})` : ''}`,
    `created    ${s.createdAt} by ${s.actor}`,
    ...(s.platformSnapshot ? [`platform   ${s.platformSnapshot} (every app at the same moment)`] : []),
    `health     ${s.health} at capture${s.knownGood ? ' — known good' : ''}${s.markedGoodBy ? ` (marked good by ${s.markedGoodBy})` : ''}`,
    '',
    table(['COMPONENT', 'PROVIDER', 'VERSION', 'FILES', 'SIZE', 'MANIFEST'], s.components.map((c) => [
      c.name, c.provider, c.version, String(c.files ?? ''), c.bytes === undefined ? '' : formatBytes(c.bytes), c.manifest.slice(0, 16),
    ])),
  ]
  for (const probe of s.healthDetail?.probes ?? []) lines.push(`check ${probe.check}: ${probe.ok ? 'ok' : `FAILED (${probe.error})`} in ${probe.latencyMs} ms`)
  return lines.join('\n')
}
