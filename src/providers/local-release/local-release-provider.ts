import { onDemand } from '../../core/on-demand.js'
import type { Provider } from '../provider.js'
import { displacedRetention, listDisplaced } from './displaced-copies.js'
import { KIND, type LocalReleaseComponent } from './local-release-component.js'
import { releaseLayout, requireCurrent } from './release-layout.js'

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

  /** See capture-release.ts, preview-release.ts and restore-release.ts: loaded when called, with the file-tree code. */
  capture: onDemand(async () => (await import('./capture-release.js')).captureRelease),
  preview: onDemand(async () => (await import('./preview-release.js')).previewRelease),
  restore: onDemand(async () => (await import('./restore-release.js')).restoreRelease),

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
