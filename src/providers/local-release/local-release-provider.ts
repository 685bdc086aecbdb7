import { lstat } from 'node:fs/promises'
import { UserError } from '../../core/errors.js'
import { KIND, type LocalReleaseComponent } from './local-release-component.js'
import type { ComponentManifest, Provider } from '../provider.js'
import { captureTree } from '../../file-tree/capture-tree.js'
import { PreviousFiles } from '../../file-tree/reuse-previous.js'
import { chunkRefs, treeSummary } from '../../file-tree/tree-entry.js'
import { displacedRetention, listDisplaced } from './displaced-copies.js'
import { allowedLinkDirs, releaseLinkPolicy } from './release-links.js'
import { releaseOwnerRule } from './release-owner.js'
import { parseReleaseBody, type LocalReleaseBody } from './release-body.js'
import { previewRelease } from './preview-release.js'
import { releaseLayout, requireCurrent } from './release-layout.js'
import { restoreRelease } from './restore-release.js'

/**
 * A Capistrano-style deploy: releases side by side in `<path>/<releases_dir>/<id>/`, and `<path>/<current_link>`
 * a symlink to the live one. The switch point of restore is the rename of that symlink.
 */
export const localReleaseProvider: Provider<LocalReleaseComponent> = {
  kind: KIND,

  /** The release `current` points to. Cheap: reads one symlink, hashes nothing. UserError when it is missing. */
  async current(c) {
    const cur = await requireCurrent(c)
    return { version: cur.release, detail: { target: cur.target, releases: releaseLayout(c).releases } }
  },

  /**
   * Stores the live release's files with their modes and owners, and the release directory's own. Idempotent
   * (content-addressed). Links into an allowed directory (Capistrano's shared/) are kept as links; any other
   * link out of the release is refused. UserError if `current` dangles.
   */
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
      links: await releaseLinkPolicy(c, cur.releaseDir),
      ...(previous?.provider === KIND ? { previous: new PreviousFiles((previous.body as Partial<LocalReleaseBody> | null)?.entries) } : {}),
    })
    const body: LocalReleaseBody = {
      release: cur.release,
      digest: tree.digest,
      entries: tree.entries,
      dir: { mode: st.mode & 0o777, uid: st.uid, gid: st.gid },
    }
    return {
      provider: KIND,
      version: cur.release,
      refs: chunkRefs(tree.entries),
      summary: treeSummary(tree.entries),
      body,
    } satisfies ComponentManifest
  },

  /** The version change, file changes against the live release, and the steps restore would take. */
  async preview(c, m) {
    const { releases } = releaseLayout(c)
    const parsed = parseReleaseBody(m, { releases, allowedInto: await allowedLinkDirs(c) })
    return previewRelease(c, parsed, await releaseOwnerRule(c, releases))
  },

  /** See restore-release.ts. */
  restore: restoreRelease,

  /** The release copies restores moved aside and the retention rule has not removed yet. */
  async leftovers(c) {
    const { releases } = releaseLayout(c)
    return (await listDisplaced(releases)).map((d) => ({
      path: `${releases}/${d.name}`,
      createdAt: d.movedAt,
      about: `release ${d.release} as it was on disk when a restore replaced it`,
      removedAfter: new Date(Date.parse(d.movedAt) + displacedRetention(c.displaced).keepWithinMs).toISOString(),
    }))
  },
}
