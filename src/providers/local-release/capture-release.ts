import { lstat } from 'node:fs/promises'
import { UserError } from '../../core/errors.js'
import { captureTree } from '../../file-tree/capture-tree.js'
import { PreviousFiles } from '../../file-tree/reuse-previous.js'
import { chunkRefs, treeSummary } from '../../file-tree/tree-entry.js'
import type { ComponentManifest, ProviderContext } from '../provider.js'
import { KIND, type LocalReleaseComponent } from './local-release-component.js'
import type { LocalReleaseBody } from './release-body.js'
import { requireCurrent } from './release-layout.js'
import { releaseLinkPolicy } from './release-links.js'

/**
 * Stores the live release's files with their modes and owners, and the release directory's own. Idempotent
 * (content-addressed). Links into an allowed directory (Capistrano's shared/) are kept as links; any other
 * link out of the release is refused. UserError if `current` dangles.
 */
export async function captureRelease(c: LocalReleaseComponent, ctx: ProviderContext): Promise<ComponentManifest> {
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
}
