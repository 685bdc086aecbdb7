import { join } from 'node:path'
import { messageOf, OperationFailedError } from '../../core/errors.js'
import type { LocalReleaseComponent } from './local-release-component.js'
import type { ComponentManifest, ProviderContext, RestoreResult } from '../provider.js'
import { ownerOf } from '../../file-tree/owner-rule.js'
import { runShell } from '../../shell/run-shell.js'
import { displacedRetention, pruneDisplaced } from './displaced-copies.js'
import { placeRelease } from './place-release.js'
import { parseReleaseBody } from './release-body.js'
import { allowedLinkDirs } from './release-links.js'
import { readCurrent, releaseLayout } from './release-layout.js'
import { releaseOwnerRule } from './release-owner.js'
import { switchCurrent } from './switch-current.js'

/**
 * Validates the whole manifest (links included, against the component's allowed directories), works out the
 * owners (release-owner.ts), makes the release directory hold it (fast or rebuilt), switches `current`
 * atomically, runs `restart`, then removes the displaced copies the retention rule no longer keeps. Before
 * the switch a failure leaves the old release live; a restart that fails after it throws OperationFailedError
 * with its stderr, the new release being live. A failed clean-up of old copies does not fail the restore:
 * the result says so, and the next restore tries again.
 */
export async function restoreRelease(c: LocalReleaseComponent, m: ComponentManifest, ctx: ProviderContext): Promise<RestoreResult> {
  const { releases, link } = releaseLayout(c)
  const allowedInto = await allowedLinkDirs(c)
  const { release, tree, dir } = parseReleaseBody(m, { releases, allowedInto })
  const owners = await releaseOwnerRule(c, releases)
  const before = await readCurrent(c)
  const rootOwner = dir ? ownerOf(owners, dir) : ownerOf(owners, {})
  const placed = await placeRelease(releases, release, tree, ctx.blobs, {
    ...(owners ? { owners } : {}),
    ...(rootOwner ? { rootOwner } : {}),
    ...(dir ? { rootMode: dir.mode } : {}),
    links: { root: join(releases, release), allowedInto },
  })
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
  detail.push(await cleanUp(c, releases, release))
  return { path: placed.path, detail: detail.filter(Boolean).join('; ') } satisfies RestoreResult
}

/** Removes the displaced copies beyond the retention rule; says what it did, or why it could not. */
async function cleanUp(c: LocalReleaseComponent, releases: string, live: string): Promise<string | undefined> {
  try {
    const removed = await pruneDisplaced(releases, displacedRetention(c.displaced), live)
    return removed.length > 0 ? `removed ${removed.length} displaced copies past retention (${removed.join(', ')})` : undefined
  } catch (err) {
    return `could not remove old displaced copies (${messageOf(err)}); the next restore tries again`
  }
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
