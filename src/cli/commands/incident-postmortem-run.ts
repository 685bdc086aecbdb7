import { resolve } from 'node:path'
import type { Command } from 'commander'
import { errCode, UserError } from '../../core/errors.js'
import { requireIncident } from '../../recovery/incident-store.js'
import { buildPostMortem } from '../../recovery/postmortem.js'
import { renderPostMortem } from '../../recovery/postmortem-markdown.js'
import { buildRecoveryReport } from '../../recovery/recovery-report.js'
import { loadTimeline } from '../../recovery/timeline.js'
import { atomicWrite } from '../../repository/backends/fs/atomic-write.js'
import { globals } from '../global-options.js'
import { printJson, println } from '../output.js'
import { withPlatform } from '../with-platform.js'

export async function incidentPostmortemAction(id: string, opts: { output?: string }, cmd: Command): Promise<number> {
  const g = globals(cmd)
  if (opts.output !== undefined && opts.output.trim() === '') throw new UserError('--output needs a file name')
  return withPlatform(g, async (p) => {
    const found = await requireIncident(p.state.db, id)
    const timeline = await loadTimeline(p.state.db, found.id)
    const recovery = await buildRecoveryReport(p, found, { timeline })
    const postmortem = buildPostMortem(found, timeline, recovery)
    const markdown = renderPostMortem(postmortem)
    const file = opts.output === undefined ? undefined : resolve(opts.output)
    if (file) await writeMarkdown(file, markdown)
    if (g.json) printJson({ postmortem, recovery, ...(file ? { written: file } : {}) })
    else if (file)
      println(`post-mortem of ${found.id} written to ${file}${postmortem.openNotice ? ' (a draft: the incident is still open)' : ''}`)
    else process.stdout.write(markdown)
    return 0
  })
}

async function writeMarkdown(file: string, markdown: string): Promise<void> {
  try {
    await atomicWrite(file, Buffer.from(markdown), { mode: 0o640 })
  } catch (err) {
    const code = errCode(err)
    if (code === 'ENOENT' || code === 'EACCES' || code === 'EISDIR' || code === 'ENOTDIR')
      throw new UserError(`--output ${file}: cannot write there (${code}); name a file in a writable directory`)
    throw err
  }
}
