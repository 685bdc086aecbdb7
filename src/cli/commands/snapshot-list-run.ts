import type { Command } from 'commander'
import { snapshotListOperation, snapshotShowOperation } from '../../operations/snapshots.js'
import type { Marked } from '../../snapshots/snapshot-marks.js'
import { globals } from '../global-options.js'
import { invoke } from '../invoke.js'
import { formatBytes, printJson, println, table } from '../output.js'
import { goodMark } from '../snapshot-marks.js'

export async function snapshotListAction(app: string | undefined, _opts: unknown, cmd: Command): Promise<number> {
  const g = globals(cmd)
  const { result, exitCode } = await invoke(g, snapshotListOperation, { app })
  if (g.json) printJson(result)
  else
    println(result.snapshots.length === 0 ? 'no snapshots yet: take one with `lastgood snapshot create APP`' : renderList(result.snapshots))
  return exitCode
}

export async function snapshotShowAction(id: string, _opts: unknown, cmd: Command): Promise<number> {
  const g = globals(cmd)
  const { result, exitCode } = await invoke(g, snapshotShowOperation, { id })
  if (g.json) printJson(result)
  else println(renderShow(result.snapshot))
  return exitCode
}

/** The app is the id's first part, so it has no column: the rest keeps to 120 columns more often. */
function renderList(snaps: Marked[]): string {
  return table(
    ['SNAPSHOT', 'KIND', 'CREATED', 'HEALTH', 'GOOD', 'VERSIONS', 'LABEL', 'PLATFORM'],
    snaps.map((s) => [
      s.id,
      s.kind,
      s.createdAt.replace('T', ' ').slice(0, 16),
      s.health,
      goodMark(s),
      s.components.map((c) => `${c.name}=${c.version}`).join(' '),
      s.label ?? '',
      s.platformSnapshot ?? '',
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
    ...s.rejected.map(
      (r) =>
        `rejected   ${r.component}=${r.version}: rollback ${r.run} moved away from it (${r.at}, ${r.by}: ${r.reason})` +
        (s.kind === 'safety' ? '' : `; \`lastgood snapshot mark-good ${s.id}\` clears it`),
    ),
    `rollback   ${s.namedOnly === null ? 'an automatic rollback may restore it' : `restored only when named with --to (${s.namedOnly})`}`,
    '',
    table(
      ['COMPONENT', 'PROVIDER', 'VERSION', 'FILES', 'SIZE', 'MANIFEST'],
      s.components.map((c) => [
        c.name,
        c.provider,
        c.version,
        String(c.files ?? ''),
        c.bytes === undefined ? '' : formatBytes(c.bytes),
        c.manifest.slice(0, 16),
      ]),
    ),
  ]
  for (const probe of s.healthDetail?.probes ?? [])
    lines.push(`check ${probe.check}: ${probe.ok ? 'ok' : `FAILED (${probe.error})`} in ${probe.latencyMs} ms`)
  return lines.join('\n')
}
