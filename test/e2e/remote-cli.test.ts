import { execFile } from 'node:child_process'
import { createServer } from 'node:net'
import path from 'node:path'
import { promisify } from 'node:util'
import type { Command } from 'commander'
import { describe, expect, it } from 'vitest'
import { buildProgram } from '../../src/cli/program.js'
import { commandPath, LOCAL_ONLY, REMOTE_COMMANDS } from '../../src/cli/remote-commands.js'
import { OPERATIONS } from '../../src/operations/registry.js'
import { tempDir } from '../config/temp-config.js'

const BIN = path.resolve(import.meta.dirname, '../../bin/lastgood.cjs')
const run = promisify(execFile)

async function cli(args: string[], env: Record<string, string>, cwd: string): Promise<{ code: number; stdout: string; stderr: string }> {
  return run(process.execPath, [BIN, ...args], { cwd, env: { ...process.env, ...env } }).then(
    (r) => ({ code: 0, stdout: r.stdout, stderr: r.stderr }),
    (err: { code: number; stdout: string; stderr: string }) => ({ code: err.code, stdout: err.stdout, stderr: err.stderr }),
  )
}

/** The commands that do something (leaves of the tree), by path. */
/** Every command that runs something: a leaf, or one with subcommands and an action of its own (`approvals`). */
function leaves(cmd: Command): Command[] {
  return cmd.commands.flatMap((c) => (c.commands.length === 0 ? [c] : [...(acts(c) ? [c] : []), ...leaves(c)]))
}

function acts(cmd: Command): boolean {
  // commander keeps the action private; a command with subcommands and none only prints its help.
  return (cmd as unknown as { _actionHandler: unknown })._actionHandler != null
}

/** A loopback port nothing listens on: taken from the OS, then closed. */
async function closedPort(): Promise<number> {
  const s = createServer()
  await new Promise<void>((ok) => s.listen(0, '127.0.0.1', ok))
  const { port } = s.address() as { port: number }
  await new Promise((ok) => s.close(ok))
  return port
}

describe('--server', () => {
  it('every command goes through the server or is on the written local-only list; each names operations that exist', () => {
    const names = new Set(OPERATIONS.map((op) => op.name))
    const paths = new Set(leaves(buildProgram()).map(commandPath))
    for (const path of paths) expect(path in REMOTE_COMMANDS || LOCAL_ONLY.has(path), `${path}: remote or local-only`).toBe(true)
    for (const [cmd, ops] of Object.entries(REMOTE_COMMANDS)) {
      expect(paths, cmd).toContain(cmd)
      for (const op of [ops].flat()) expect(names, `${cmd} → ${op}`).toContain(op)
    }
    for (const cmd of LOCAL_ONLY) expect(paths, cmd).toContain(cmd)
    expect(new Set(OPERATIONS.map((op) => `${op.method} ${op.path}`)).size).toBe(OPERATIONS.length)
  })

  it('a local-only command is refused under --server, before it does anything (exit 2)', async () => {
    const dir = await tempDir()
    const port = await closedPort()
    const env = { LASTGOOD_SERVER: `http://127.0.0.1:${port}`, LASTGOOD_TOKEN: 'lgt_unused' }
    for (const cmd of leaves(buildProgram())) {
      const p = commandPath(cmd)
      if (!LOCAL_ONLY.has(p)) continue
      // Its required arguments and options, so that commander lets it start.
      const args = [
        ...cmd.registeredArguments.filter((a) => a.required).map(() => 'x'),
        ...cmd.options.filter((o) => o.mandatory).flatMap((o) => [o.long!, 'x']),
      ]
      const r = await cli(['--json', ...p.split(' '), ...args], env, dir)
      expect(r.code, p).toBe(2)
      const doc = JSON.parse(r.stdout) as { error: { code: string; message: string } }
      expect(doc.error.code, p).toBe('usage')
      expect(doc.error.message, p).toContain('acts on this machine only')
    }
    // Nothing was written where a local run would have: not even init's configuration.
    expect((await import('node:fs')).readdirSync(dir)).toEqual([])
  })

  it('says what is wrong with the server URL or the token, and a server that cannot be reached, in its words', async () => {
    const dir = await tempDir()
    const port = await closedPort()
    const noToken = await cli(['--server', `http://127.0.0.1:${port}`, 'status'], { LASTGOOD_TOKEN: '' }, dir)
    expect(noToken.code).toBe(2)
    expect(noToken.stderr).toContain('--server needs an API token in LASTGOOD_TOKEN')
    const badUrl = await cli(['--server', 'ftp://example.org', 'status'], { LASTGOOD_TOKEN: 'lgt_x' }, dir)
    expect(badUrl.code).toBe(2)
    expect(badUrl.stderr).toContain('expected an http:// or https:// URL')
    const secret = 'lgt_0123456789abcdef'
    const down = await cli(['--json', '--server', `http://user:pw-secret@127.0.0.1:${port}`, 'status'], { LASTGOOD_TOKEN: secret }, dir)
    expect(down.code).toBe(1)
    expect(JSON.parse(down.stdout).error).toMatchObject({
      code: 'failed',
      message: expect.stringContaining(`cannot reach lastgood serve at http://127.0.0.1:${port}`),
    })
    expect(down.stdout + down.stderr).not.toContain('pw-secret')
    expect(down.stdout + down.stderr).not.toContain(secret)
  })
})
