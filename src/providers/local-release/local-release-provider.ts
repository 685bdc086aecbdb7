import { lstat } from 'node:fs/promises'
import { join } from 'node:path'
import { OperationFailedError, UserError } from '../../core/errors.js'
import type { LocalReleaseComponent } from '../../config/types.js'
import type { ComponentManifest, Provider, RestoreResult } from '../provider.js'
import { captureTree } from '../file-tree/capture-tree.js'
import { PreviousFiles } from '../file-tree/reuse-previous.js'
import { chunkRefs, treeSummary } from '../file-tree/tree-entry.js'
import { runShell } from '../shell/run-shell.js'
import { placeRelease } from './place-release.js'
import { parseReleaseBody, type LocalReleaseBody } from './release-body.js'
import { previewRelease } from './preview-release.js'
import { readCurrent, releaseLayout, requireCurrent } from './release-layout.js'
import { switchCurrent } from './switch-current.js'

/**
 * A Capistrano-style deploy: releases side by side in `<path>/<releases_dir>/<id>/`, and `<path>/<current_link>`
 * a symlink to the live one. The switch point of restore is the rename of that symlink.
 */
export const localReleaseProvider: Provider<LocalReleaseComponent> = {
  kind: 'local-release',

  /** The release `current` points to. Cheap: reads one symlink, hashes nothing. UserError when it is missing. */
  async current(c) {
    const cur = await requireCurrent(c)
    return { version: cur.release, detail: { target: cur.target, releases: releaseLayout(c).releases } }
  },

  /** Stores the live release's files. Idempotent (content-addressed). UserError if `current` dangles. */
  async capture(c, ctx) {
    const cur = await requireCurrent(c)
    const st = await lstat(cur.releaseDir).catch(() => undefined)
    if (!st?.isDirectory()) {
      throw new UserError(`component ${c.name}: current points to ${cur.target}, which is not a directory; fix the link`)
    }
    // The last capture of this same release directory: its files whose stamps did not change are not read.
    const previous = await ctx.previous?.(cur.release)
    const tree = await captureTree(cur.releaseDir, ctx.blobs, {
      onSkip: (path, why) => ctx.log.warn({ component: c.name, path }, `left out of the capture: ${why}`),
      ...(previous?.provider === 'local-release' ? { previous: new PreviousFiles((previous.body as Partial<LocalReleaseBody> | null)?.entries) } : {}),
    })
    const body: LocalReleaseBody = { release: cur.release, digest: tree.digest, entries: tree.entries }
    return {
      provider: 'local-release',
      version: cur.release,
      refs: chunkRefs(tree.entries),
      summary: treeSummary(tree.entries),
      body,
    } satisfies ComponentManifest
  },

  /** The version change, file changes against the live release, and the steps restore would take. */
  async preview(c, m) {
    return previewRelease(c, parseReleaseBody(m))
  },

  /**
   * Validates the whole manifest, makes the release directory hold it (fast or rebuilt), switches `current`
   * atomically, then runs `restart`. Before the switch a failure leaves the old release live; a restart that
   * fails after it throws OperationFailedError with its stderr, the new release being live.
   */
  async restore(c, m, ctx) {
    const { release, tree } = parseReleaseBody(m)
    const { releases, link } = releaseLayout(c)
    const before = await readCurrent(c)
    const placed = await placeRelease(releases, release, tree, ctx.blobs, ctx.log)
    if (ctx.signal.aborted) {
      throw new OperationFailedError(`component ${c.name}: restore cancelled before the switch; ${before?.release ?? 'nothing'} stays live`)
    }
    const switched = await switchCurrent(link, join(releases, release), before?.absolute ?? false)
    const detail = [
      placed.path === 'fast' ? `release ${release} already present` : `rebuilt release ${release}`,
      placed.displaced ? `moved the differing copy aside to ${placed.displaced}` : undefined,
      switched ? `current switched from ${before?.release ?? '(none)'}` : 'current already pointed there',
    ]
    if (c.restart) await restart(c, c.restart, release, ctx.signal)
    return { path: placed.path, detail: detail.filter(Boolean).join('; ') } satisfies RestoreResult
  },
}

async function restart(c: LocalReleaseComponent, command: string, release: string, signal: AbortSignal) {
  try {
    await runShell({ component: c.name, command, cwd: c.path, timeoutMs: c.restartTimeoutMs, signal })
  } catch (err) {
    // Past the switch nothing is "unchanged" any more, so even a missing command is an operation failure.
    const message = err instanceof Error ? err.message : String(err)
    throw new OperationFailedError(`${message} (restart after current was switched to release ${release})`, { cause: err })
  }
}
