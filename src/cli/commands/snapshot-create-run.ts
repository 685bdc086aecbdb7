import type { Command } from 'commander'
import { asError, exitCodeOf, OperationFailedError, UserError } from '../../core/errors.js'
import { redact } from '../../core/redact.js'
import { selectApps } from '../../platform/platform.js'
import { createPlatformSnapshot } from '../../snapshots/create-platform-snapshot.js'
import { createSnapshot } from '../../snapshots/create-snapshot.js'
import type { SNAPSHOT_KINDS, SnapshotRecord } from '../../snapshots/snapshot-record.js'
import { actorOf, globals } from '../global-options.js'
import { formatBytes, printJson, println, table } from '../output.js'
import { stopReason } from '../../rollback/journal.js'
import { withPlatform } from '../with-platform.js'
import { type Marked, withMarks } from '../../snapshots/snapshot-marks.js'
import { goodMark } from '../snapshot-marks.js'
import { untilStopped } from '../stop-signal.js'

export async function snapshotCreateAction(
  apps: string[],
  opts: { all: boolean; label?: string; kind: (typeof SNAPSHOT_KINDS)[number]; reason?: string },
  cmd: Command,
): Promise<number> {
  const g = globals(cmd)
  const actor = actorOf(g)
  if (opts.all && apps.length > 0)
    throw new UserError(`--all takes every app; drop ${apps.join(' ')} (or drop --all to capture only those)`)
  if (!opts.all && apps.length === 0)
    throw new UserError('name the apps to capture (or all), or pass --all for one platform snapshot of every app')
  // Ctrl-C stops between components and says what was kept, instead of killing the process mid-write.
  return untilStopped((stop) =>
    withPlatform(g, async (p) => {
      if (opts.all) {
        const ps = await createPlatformSnapshot(p, p.config.apps, {
          kind: opts.kind,
          label: opts.label ?? null,
          actor,
          reason: opts.reason ?? null,
        })
        if (g.json) printJson({ platformSnapshot: ps.id, snapshots: ps.snapshots })
        else println(`platform snapshot ${ps.id}\n\n${renderCreated(await withMarks(p, ps.snapshots))}`)
        return 0
      }
      // Each app is tried whatever happened to the one before; a single app keeps its own error and exit code.
      const selected = selectApps(p.config, apps)
      const created: SnapshotRecord[] = []
      const failed: { app: string; err: Error }[] = []
      for (const [i, app] of selected.entries()) {
        try {
          created.push(
            await createSnapshot(p, app, {
              kind: opts.kind,
              label: opts.label ?? null,
              actor,
              reason: opts.reason ?? null,
              signal: stop,
            }),
          )
        } catch (err) {
          if (stop.aborted) {
            throw new OperationFailedError(
              keptSoFar(
                `stopped by ${stopReason(stop)}`,
                created,
                app.name,
                selected.slice(i + 1).map((a) => a.name),
              ),
            )
          }
          if (selected.length === 1) throw err
          failed.push({ app: app.name, err: asError(err) })
        }
      }
      if (g.json) printJson({ snapshots: created, failed: failed.map((f) => ({ app: f.app, error: redact(f.err.message) })) })
      else if (created.length > 0) println(renderCreated(await withMarks(p, created)))
      for (const f of failed) process.stderr.write(`lastgood: ${f.app}: not captured: ${redact(f.err.message)}\n`)
      if (failed.length === 0) return 0
      return created.length === 0 && failed.every((f) => exitCodeOf(f.err) === 2) ? 2 : 1
    }),
  )
}

/** What a stopped `snapshot create` leaves: complete snapshots kept, the one cut short unreferenced (prune removes it). */
function keptSoFar(why: string, kept: SnapshotRecord[], cut: string, notStarted: string[]): string {
  const ids = kept.map((s) => s.id).join(', ')
  return (
    `${why} while capturing ${cut}: ${kept.length > 0 ? `kept ${ids} (complete)` : 'nothing was kept'}; ${cut} was not captured ` +
    `(the data written so far is unreferenced; \`lastgood snapshot prune\` removes it)${notStarted.length > 0 ? `; not started: ${notStarted.join(', ')}` : ''}`
  )
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
