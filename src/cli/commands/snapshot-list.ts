import type { Command } from 'commander'
import { findApp, type Platform } from '../../platform/platform.js'
import { type TargetMark, targetMarks } from '../../snapshots/rollback-target.js'
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
          const marked = await withMarks(p, await listSnapshots(p.state.db, app))
          if (g.json) printJson({ snapshots: marked })
          else println(marked.length === 0 ? 'no snapshots yet: take one with `lastgood snapshot create APP`' : renderList(marked))
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
          const s = (await withMarks(p, [await requireSnapshot(p.state.db, id, { allowPruned: true })]))[0]!
          if (g.json) printJson({ snapshot: s })
          else println(renderShow(s))
          return 0
        })
      }),
    )
}

type Marked = SnapshotRecord & TargetMark

/** Each snapshot with how the rollback-target rule sees it: rejected release versions, restored only when named. */
async function withMarks(p: Platform, snaps: SnapshotRecord[]): Promise<Marked[]> {
  const marks = new Map<string, TargetMark>()
  for (const app of new Set(snaps.map((s) => s.app))) {
    const components = p.config.apps.find((a) => a.name === app)?.components
    for (const [id, m] of await targetMarks(p.state.db, app, snaps.filter((s) => s.app === app), components)) marks.set(id, m)
  }
  return snaps.map((s) => ({ ...s, ...marks.get(s.id)! }))
}

/** GOOD: yes (an automatic rollback may restore it), only --to (a safety snapshot), or rejected (it holds a release a rollback moved away from). */
function goodMark(s: Marked): string {
  if (s.kind === 'safety') return 'only --to'
  if (s.rejected.length > 0) return `rejected: ${s.rejected.map((r) => `${r.component}=${r.version}`).join(' ')}`
  return s.knownGood ? 'yes' : ''
}

function renderList(snaps: Marked[]): string {
  return table(
    ['SNAPSHOT', 'APP', 'KIND', 'CREATED', 'VERSIONS', 'HEALTH', 'GOOD', 'LABEL', 'PLATFORM'],
    snaps.map((s) => [
      s.id, s.app, s.kind, s.createdAt.replace('T', ' ').slice(0, 19),
      s.components.map((c) => `${c.name}=${c.version}`).join(' '), s.health, goodMark(s), s.label ?? '', s.platformSnapshot ?? '',
    ]),
  )
}

function renderShow(s: Marked): string {
  const lines = [
    `snapshot   ${s.id}`,
    `app        ${s.app}`,
    `kind       ${s.kind}${s.label ? ` (label ${s.label})` : ''}`,
    `created    ${s.createdAt} by ${s.actor}`,
    ...(s.platformSnapshot ? [`platform   ${s.platformSnapshot} (every app at the same moment)`] : []),
    `health     ${s.health} at capture${s.knownGood ? ' — known good' : ''}${s.markedGoodBy ? ` (marked good by ${s.markedGoodBy})` : ''}`,
    ...s.rejected.map((r) => `rejected   ${r.component}=${r.version}: rollback ${r.run} moved away from it (${r.at}, ${r.by}: ${r.reason})` +
      (s.kind === 'safety' ? '' : `; \`lastgood snapshot mark-good ${s.id}\` clears it`)),
    `rollback   ${s.namedOnly === null ? 'an automatic rollback may restore it' : `restored only when named with --to (${s.namedOnly})`}`,
    '',
    table(['COMPONENT', 'PROVIDER', 'VERSION', 'FILES', 'SIZE', 'MANIFEST'], s.components.map((c) => [
      c.name, c.provider, c.version, String(c.files ?? ''), c.bytes === undefined ? '' : formatBytes(c.bytes), c.manifest.slice(0, 16),
    ])),
  ]
  for (const probe of s.healthDetail?.probes ?? []) lines.push(`check ${probe.check}: ${probe.ok ? 'ok' : `FAILED (${probe.error})`} in ${probe.latencyMs} ms`)
  return lines.join('\n')
}
