import type { Command } from 'commander'
import { snapshotCreateOperation } from '../../operations/snapshots.js'
import type { Marked } from '../../snapshots/snapshot-marks.js'
import type { SNAPSHOT_KINDS } from '../../snapshots/snapshot-record.js'
import { globals } from '../global-options.js'
import { invoke } from '../invoke.js'
import { formatBytes, printJson, println, table } from '../output.js'
import { goodMark } from '../snapshot-marks.js'

export async function snapshotCreateAction(
  apps: string[],
  opts: { all: boolean; label?: string; kind: (typeof SNAPSHOT_KINDS)[number]; reason?: string },
  cmd: Command,
): Promise<number> {
  const g = globals(cmd)
  const { result, exitCode } = await invoke(g, snapshotCreateOperation, { app: apps, ...opts })
  if (g.json) printJson(result)
  else if (result.platformSnapshot) println(`platform snapshot ${result.platformSnapshot}\n\n${renderCreated(result.snapshots)}`)
  else if (result.snapshots.length > 0) println(renderCreated(result.snapshots))
  for (const f of result.failed ?? []) process.stderr.write(`lastgood: ${f.app}: not captured: ${f.error}\n`)
  return exitCode
}

function renderCreated(snaps: Marked[]): string {
  const rows = snaps.map((s) => [
    s.id,
    s.app,
    s.components.map((c) => `${c.name}=${c.version}`).join(' '),
    formatBytes(s.components.reduce((n, c) => n + (c.bytes ?? 0), 0)),
    s.health,
    // A capture of a release a rollback moved away from passed its health check, yet no automatic rollback restores it.
    s.rejected.length > 0
      ? `${goodMark(s)} (restored only with --to, until \`lastgood snapshot mark-good ${s.id}\`)`
      : s.knownGood
        ? 'known good'
        : '',
  ])
  return table(['SNAPSHOT', 'APP', 'VERSIONS', 'SIZE', 'HEALTH', ''], rows)
}
