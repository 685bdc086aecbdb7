import { resolve } from 'node:path'
import type { Command } from 'commander'
import { errCode, UserError } from '../../core/errors.js'
import { incidentPostmortemOperation } from '../../operations/incidents.js'
import { renderPostMortem } from '../../recovery/postmortem-markdown.js'
import { atomicWrite } from '../../repository/backends/fs/atomic-write.js'
import { globals } from '../global-options.js'
import { invoke } from '../invoke.js'
import { printJson, println } from '../output.js'

export async function incidentPostmortemAction(id: string, opts: { output?: string }, cmd: Command): Promise<number> {
  const g = globals(cmd)
  if (opts.output !== undefined && opts.output.trim() === '') throw new UserError('--output needs a file name')
  const { result, exitCode } = await invoke(g, incidentPostmortemOperation, { id })
  const { postmortem } = result
  // The file is written here, where the command runs, also when the post-mortem came from the server.
  const markdown = renderPostMortem(postmortem)
  const file = opts.output === undefined ? undefined : resolve(opts.output)
  if (file) await writeMarkdown(file, markdown)
  if (g.json) printJson({ ...result, ...(file ? { written: file } : {}) })
  else if (file) println(`post-mortem of ${id} written to ${file}${postmortem.openNotice ? ' (a draft: the incident is still open)' : ''}`)
  else process.stdout.write(markdown)
  return exitCode
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
