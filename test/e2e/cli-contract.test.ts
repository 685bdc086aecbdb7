import { execFile } from 'node:child_process'
import { readFile } from 'node:fs/promises'
import path from 'node:path'
import { promisify } from 'node:util'
import type { Command } from 'commander'
import { describe, expect, it } from 'vitest'
import { buildProgram } from '../../src/cli/program.js'
import { SamplePlatform, withEnv } from '../../src/demo/sample-platform.js'
import { recordPendingRollback } from '../../src/monitor/monitor-store.js'
import { openPlatform } from '../../src/platform/open-platform.js'
import { MINIMAL, tempDir, writeConfig } from '../config/temp-config.js'

const BIN = path.resolve(import.meta.dirname, '../../bin/lastgood.cjs')
const run = promisify(execFile)

/** Exit code, stdout and stderr of the built CLI (npm run build), with no terminal on stdin. */
async function cli(args: string[], cwd?: string): Promise<{ code: number; stdout: string; stderr: string }> {
  return run(process.execPath, [BIN, ...args], { ...(cwd ? { cwd } : {}) }).then(
    (r) => ({ code: 0, stdout: r.stdout, stderr: r.stderr }),
    (err: { code: number; stdout: string; stderr: string }) => ({ code: err.code, stdout: err.stdout, stderr: err.stderr }),
  )
}

/** Every command below `cmd`, its own name path with it. */
function commandsUnder(cmd: Command, path: string[] = []): { path: string[]; cmd: Command }[] {
  return cmd.commands.flatMap((c) => [{ path: [...path, c.name()], cmd: c }, ...commandsUnder(c, [...path, c.name()])])
}

describe('the command line behaves like one', () => {
  it("every subcommand's --help shows the global options", () => {
    const all = commandsUnder(buildProgram())
    expect(all.length).toBeGreaterThan(20)
    for (const { path: name, cmd } of all) {
      const help = cmd.helpInformation()
      expect(help, name.join(' ')).toContain('Global Options:')
      for (const option of ['--json', '--config <file>', '--as <actor>']) expect(help, name.join(' ')).toContain(option)
    }
  })

  it('with --json an error is one JSON document on stdout, with the same exit code as without', async () => {
    const dir = await tempDir()
    const bad = await writeConfig(`${MINIMAL}defaults:\n  health:\n    interval: thirty\n`)
    const cases: { args: string[]; code: number; kind: string; path?: string }[] = [
      { args: ['--config', bad, 'validate'], code: 2, kind: 'config', path: 'defaults.health.interval' },
      { args: ['status'], code: 2, kind: 'usage' },
      { args: ['rollback', '--bogus'], code: 2, kind: 'usage' },
      { args: ['snapshot', 'create'], code: 2, kind: 'usage' },
    ]
    for (const c of cases) {
      const human = await cli(c.args, dir)
      const json = await cli(['--json', ...c.args], dir)
      expect(human.code, c.args.join(' ')).toBe(c.code)
      expect(json.code, c.args.join(' ')).toBe(c.code)
      const doc = JSON.parse(json.stdout) as { error: { code: string; message: string; path: string | null } }
      expect(doc.error.code).toBe(c.kind)
      expect(doc.error.message.length).toBeGreaterThan(0)
      expect(doc.error.path).toBe(c.path ?? null)
    }
  })

  it('`config schema | head` ends quietly: a closed pipe is no error', async () => {
    // The schema is larger than a pipe's buffer, so lastgood is still writing when head has gone.
    const piped = await run('sh', ['-c', `"${process.execPath}" "${BIN}" config schema | head -c 10 >/dev/null`])
    expect(piped.stderr).toBe('')
  })

  it('--abandon without a terminal says it needs --yes, and changes nothing', async () => {
    const file = await writeConfig(MINIMAL)
    expect((await cli(['--config', file, 'init'])).code).toBe(0)
    const r = await cli(['--config', file, 'rollback', '--abandon', 'r-none', '--reason', 'give up'])
    expect(r.code).toBe(2)
    // It has no dry run, so the way out is --yes alone.
    expect(r.stderr).toContain('lastgood: no terminal to confirm on: pass --yes to go ahead; nothing was changed')
  })
})

describe('starting points', () => {
  it('init --example minimal writes a config under 30 lines; init again keeps it and says what an example would change', async () => {
    const dir = await tempDir()
    const first = await cli(['init', '--example', 'minimal'], dir)
    expect(first.code, first.stderr).toBe(0)
    const written = await readFile(path.join(dir, 'lastgood.yaml'), 'utf8')
    expect(written.trimEnd().split('\n').length).toBeLessThan(30)
    expect(written).toContain('provider: local-release')

    const again = await cli(['--json', 'init', '--example', 'capistrano'], dir)
    expect(again.code, again.stderr).toBe(0)
    const doc = JSON.parse(again.stdout) as { wroteConfig: boolean; created: boolean; kept: string[] }
    expect(doc).toMatchObject({ wroteConfig: false, created: false })
    expect(doc.kept[0]).toMatch(/lastgood\.yaml is kept; the capistrano example would remove \d+ of its lines and add \d+/)
    expect(doc.kept[1]).toMatch(/is a lastgood repository already/)
    expect(await readFile(path.join(dir, 'lastgood.yaml'), 'utf8')).toBe(written)

    const plain = await cli(['init'], dir)
    expect(plain.code).toBe(0)
    expect(plain.stdout).toContain('nothing else to do: this configuration is initialised')
    expect((await cli(['init', '--example', 'nope'], dir)).stderr).toContain('no example "nope"; examples: capistrano, clinic, minimal')
  })
})

/** The lines of human output that pass 120 columns. */
const wide = (out: string) => out.split('\n').filter((line) => line.length > 120)

describe('human output', () => {
  it('status and the other tables fit 120 columns, with every app of the clinic failing its checks', async () => {
    const p = await SamplePlatform.create()
    try {
      expect((await p.cli(['init'])).code).toBe(0)
      for (const app of p.config.apps) await p.deploy(app.name, 'v1')
      const lg = await withEnv(p.env, () => openPlatform(p.configFile))
      try {
        const reason = 'error-rate: error rate 7.5 % over the last 100 requests is above 5 % for 5 minutes, since the deploy of v2 '.repeat(
          3,
        )
        await recordPendingRollback(lg.state, { app: 'staff', trigger: 'error-rate', target: null, reason })
      } finally {
        await lg.close()
      }
      const r = await p.cli(['status'])
      expect(r.code, r.stderr).toBe(0)
      expect(r.stdout).toMatch(/FAILED \(/)
      expect(r.stdout).toContain('pending rollbacks')
      expect(wide(r.stdout)).toEqual([])

      // The other tables and reports, with snapshots and their audit trail to show.
      const snap = ['snapshot', 'create', 'all', '--label', 'a label long enough', '--reason', 'before the deploy of v2 '.repeat(6)]
      expect((await p.cli(snap)).code).toBe(0)
      for (const args of [
        ['validate'],
        ['snapshot', 'list'],
        ['snapshot', 'prune', '--dry-run'],
        ['audit', 'log'],
        ['report', 'compliance'],
        ['status'],
      ]) {
        const out = await p.cli(args)
        expect(out.stdout.length, args.join(' ')).toBeGreaterThan(0)
        expect(wide(out.stdout), args.join(' ')).toEqual([])
      }
    } finally {
      await p.stop()
    }
  })
})
