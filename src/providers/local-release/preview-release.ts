import { lstat } from 'node:fs/promises'
import { join } from 'node:path'
import type { LocalReleaseComponent } from './local-release-component.js'
import type { Change, ComponentManifest } from '../provider.js'
import { compareTree, treeMatches } from '../../file-tree/compare-tree.js'
import { describeCommand } from '../../shell/shell-messages.js'
import type { CapturedTree } from '../../file-tree/tree-entry.js'
import { treeSummary } from '../../file-tree/tree-entry.js'
import { parseReleaseBody } from './release-body.js'
import { allowedLinkDirs, outsideLinks } from './release-links.js'
import { readCurrent, releaseLayout } from './release-layout.js'
import { releaseOwnerRule } from './release-owner.js'

/**
 * What restoring the manifest's release would do, changing nothing: the version line, every file added, changed or removed
 * relative to the release live now (everything is added on a host without one; owners too under `owners`),
 * then `action` lines for the steps (switch only, rebuild, move a modified copy aside, restart) and the links
 * kept as links, whose targets' content no snapshot holds.
 */
export async function previewRelease(c: LocalReleaseComponent, m: ComponentManifest): Promise<Change[]> {
  const { releases } = releaseLayout(c)
  const { release, tree } = parseReleaseBody(m, { releases, allowedInto: await allowedLinkDirs(c) })
  const owners = await releaseOwnerRule(c, releases)
  const cur = await readCurrent(c)
  const version: Change = { kind: 'version', after: release, ...(cur ? { before: cur.release } : {}) }
  const files = await compareTree(cur?.releaseDir ?? '/nonexistent/lastgood', tree.entries, owners ? { owners } : {})
  const target = join(releases, release)
  const st = await lstat(target).catch(() => undefined)
  // When the release is the live one, the file comparison above already answers; do not hash it twice.
  const matches = cur?.release === release ? files.length === 0 : !!st?.isDirectory() && (await treeMatches(target, tree.entries, owners))
  return [version, ...files, ...steps(c, release, tree, { matches, exists: !!st, live: cur?.release === release })]
}

function steps(
  c: LocalReleaseComponent,
  release: string,
  tree: CapturedTree,
  state: { matches: boolean; exists: boolean; live: boolean },
): Change[] {
  const { files, bytes } = treeSummary(tree.entries)
  const out: Change[] = []
  if (state.matches) {
    out.push(action(state.live ? `current already points to release ${release}` : `switch current to release ${release}, already on disk`))
  } else {
    out.push(action(`rebuild release ${release} from the snapshot (${files} files, ${bytes} bytes), then switch current to it`))
    if (state.exists) out.push(action(`move the differing ${release} on disk aside to ${release}.displaced-<time>`))
  }
  if (c.restart) out.push(action(`run restart command ${describeCommand(c.restart)}`))
  const links = outsideLinks(tree.entries)
  if (links.length > 0) {
    out.push(
      action(`keep ${links.length} links out of the release as links; what they point to is not in the snapshot: ${links.join(', ')}`),
    )
  }
  return out
}

function action(text: string): Change {
  return { kind: 'action', path: text }
}
