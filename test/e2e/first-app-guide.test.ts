import { spawn } from 'node:child_process'
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { PACKAGE_ROOT } from '../../src/core/package-root.js'
import { lastgoodOnPath } from '../helpers/lastgood-on-path.js'
import { guideScript } from '../helpers/readme-guide.js'

let home: string | undefined

afterAll(async () => {
  if (home) await rm(home, { recursive: true, force: true })
})

/**
 * Runs a script as a reader would in a terminal, with HOME in a temporary directory and `lastgood` on the
 * PATH. As root it runs in a network namespace of its own, so the guide's ports 3000 and 3001 never meet
 * another test's (PostgreSQL is reached through its Unix socket, which namespaces do not separate).
 * Everything the script left running is killed with its process group.
 */
async function runAsReader(script: string, dir: string): Promise<{ code: number | null; out: string }> {
  const file = join(dir, 'guide.sh')
  await writeFile(file, script)
  const env: Record<string, string> = { HOME: dir, PATH: `${await lastgoodOnPath(dir)}:${process.env.PATH}` }
  for (const name of ['LANG', 'PGHOST', 'PGPORT', 'PGUSER']) if (process.env[name]) env[name] = process.env[name]
  const [cmd, args] =
    process.getuid?.() === 0 ? ['unshare', ['--net', 'bash', '-c', 'ip link set lo up && exec bash "$0"', file]] : ['bash', [file]]
  const child = spawn(cmd, args, { cwd: dir, env, detached: true, stdio: ['ignore', 'pipe', 'pipe'] })
  let out = ''
  child.stdout.on('data', (d: Buffer) => (out += d.toString()))
  child.stderr.on('data', (d: Buffer) => (out += d.toString()))
  const code = await new Promise<number | null>((resolve) => child.on('close', resolve))
  try {
    process.kill(-child.pid!, 'SIGKILL')
  } catch {
    // the group is already gone: the guide's clean-up step stopped its servers
  }
  return { code, out }
}

describe('README "Protect your first app", followed literally', () => {
  it('protects a release-directory app, a command-provider app and its PostgreSQL; rolls a broken release back automatically', async () => {
    const readme = await readFile(join(PACKAGE_ROOT, 'README.md'), 'utf8')
    const script = guideScript(readme, '## Protect your first app')
    home = await mkdtemp(join(tmpdir(), 'lastgood-guide-'))
    // A database left by an earlier run that was killed would make `createdb` fail.
    await runAsReader('dropdb --if-exists first_app', home)

    const { code, out } = await runAsReader(script, home)
    expect(code, out).toBe(0)
    // watch rolled the broken v2 back, and `current` points at v1 again.
    expect(out).toMatch(/watch exited 1: v2 was rolled back/)
    expect(out).toMatch(/^releases\/v1$/m)
    // The person's rollback of the api put its build 1.0 back through the deploy tool.
    expect(out).toMatch(/^1\.0$/m)
    expect(out).not.toMatch(/^lastgood: /m)
  }, 120_000)
})
