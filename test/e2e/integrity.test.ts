import { randomBytes } from 'node:crypto'
import { existsSync } from 'node:fs'
import { readdir, readFile, readlink, rm, stat, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import Database from 'better-sqlite3'
import { afterEach, describe, expect, it } from 'vitest'
import { SamplePlatform } from '../../src/demo/sample-platform.js'
import { singleAppConfig } from '../helpers/configs.js'

let p: SamplePlatform | undefined
afterEach(async () => {
  await p?.destroy()
  p = undefined
})

async function platform(env: Record<string, string> = {}): Promise<SamplePlatform> {
  p = await SamplePlatform.create({ configText: singleAppConfig(), env })
  await p.deploy('staff', 'v1', { healthy: true }, { 'public/big.bin': randomBytes(300_000) })
  await p.start(['staff'])
  const init = await p.cli(['init'])
  expect(init.code, init.stderr).toBe(0)
  return p
}

async function packFiles(dir: string): Promise<string[]> {
  const root = join(dir, '.lastgood/repo/data')
  const out: string[] = []
  for (const sub of await readdir(root))
    for (const f of await readdir(join(root, sub))) if (!f.includes('tmp')) out.push(join(root, sub, f))
  return out
}

describe('repository integrity through the CLI', () => {
  it('a flipped byte in any stored object is found by verify --read-data (exit 1) and a rollback refuses before changing anything (case 1)', async () => {
    const pl = await platform()
    expect((await pl.cli(['snapshot', 'create', 'staff'])).code).toBe(0)
    expect((await pl.cli(['snapshot', 'verify', '--read-data'])).code).toBe(0)
    const packs = await packFiles(pl.dir)
    expect(packs.length).toBeGreaterThan(0)
    for (const pack of packs) {
      const bytes = await readFile(pack)
      bytes[Math.floor(bytes.length / 3)]! ^= 0x01
      await writeFile(pack, bytes)
    }
    const v = await pl.cli(['--json', 'snapshot', 'verify', '--read-data'])
    expect(v.code).toBe(1)
    const report = JSON.parse(v.stdout)
    expect(report.ok).toBe(false)
    expect(report.problems.length).toBeGreaterThan(0)
    expect(report.problems[0].object).toMatch(/^[0-9a-f]{8,}/)

    await pl.deploy('staff', 'v2', { healthy: false })
    const r = await pl.cli(['--json', 'rollback', 'staff', '--reason', 'damaged repo', '--yes'])
    expect(r.code).toBe(1)
    const rep = JSON.parse(r.stdout).report
    expect(rep.steps.map((s: { name: string; status: string }) => `${s.name}:${s.status}`)).toEqual(['verify:failed'])
    expect(await readlink(join(pl.dir, 'apps/staff/current'))).toBe('releases/v2')
  })

  it('unchanged files are stored once across snapshots', async () => {
    const pl = await platform()
    const size = async () => {
      let total = 0
      for (const f of await packFiles(pl.dir)) total += (await stat(f)).size
      return total
    }
    expect((await pl.cli(['snapshot', 'create', 'staff'])).code).toBe(0)
    const first = await size()
    expect((await pl.cli(['snapshot', 'create', 'staff'])).code).toBe(0)
    const second = await size()
    expect(first).toBeGreaterThan(300_000)
    // A second snapshot of the same release adds only its manifest: far less than one copy of the big file.
    expect(second - first).toBeLessThan(20_000)
  })

  it('the wrong passphrase is refused with exit 2 and the same message whatever is wrong', async () => {
    const pl = await platform({ LASTGOOD_PASSWORD: 'correct horse battery staple' })
    expect(existsSync(join(pl.dir, '.lastgood/repository.key'))).toBe(false)
    const wrong = await pl.cli(['snapshot', 'list'], { env: { LASTGOOD_PASSWORD: 'wrong horse' } })
    expect(wrong.code).toBe(2)
    expect(wrong.stderr).toMatch(/wrong passphrase or key/)
    expect(wrong.stderr).not.toContain('wrong horse')
    const none = await pl.cli(['snapshot', 'list'], { env: { LASTGOOD_PASSWORD: '' } })
    expect(none.code).toBe(2)
    expect(none.stderr).toContain('LASTGOOD_PASSWORD')
    expect((await pl.cli(['snapshot', 'list'])).code).toBe(0)
  })

  it("another repository's key file is refused with exit 2, naming both repositories, and nothing is opened", async () => {
    const pl = await platform()
    const other = await SamplePlatform.create({ configText: singleAppConfig() })
    try {
      expect((await other.cli(['init'])).code).toBe(0)
      const theirs = join(other.dir, '.lastgood/repository.key')
      await writeFile(pl.configFile, `${await readFile(pl.configFile, 'utf8')}repository:\n  key_file: ${theirs}\n`)
      const r = await pl.cli(['snapshot', 'list'])
      expect(r.code).toBe(2)
      expect(r.stderr).toMatch(
        new RegExp(
          `key file ${theirs} belongs to another repository \\([0-9a-f]{64}\\), not to the repository at ${join(pl.dir, '.lastgood/repo')}`,
        ),
      )
    } finally {
      await other.destroy()
    }
  })

  it('an edited audit event is found by audit verify, which names it (case 11)', async () => {
    const pl = await platform()
    for (let i = 0; i < 3; i++) expect((await pl.cli(['snapshot', 'create', 'staff', '--reason', `n${i}`])).code).toBe(0)
    expect((await pl.cli(['audit', 'verify'])).code).toBe(0)
    const db = new Database(join(pl.dir, '.lastgood/state.db'))
    db.prepare(`update audit_events set reason = 'nothing happened' where seq = 3`).run()
    db.close()
    const edited = await pl.cli(['--json', 'audit', 'verify'])
    expect(edited.code).toBe(1)
    expect(JSON.parse(edited.stdout).firstBad.seq).toBe(3)
    const human = await pl.cli(['audit', 'verify'])
    expect(human.stdout).toContain('AUDIT CHAIN BROKEN at event 3')
  })

  it('a removed or reordered audit event is found (case 11)', async () => {
    const pl = await platform()
    for (let i = 0; i < 4; i++) expect((await pl.cli(['snapshot', 'create', 'staff'])).code).toBe(0)
    const db = new Database(join(pl.dir, '.lastgood/state.db'))
    db.prepare('delete from audit_events where seq = 2').run()
    db.close()
    const removed = JSON.parse((await pl.cli(['--json', 'audit', 'verify'])).stdout)
    expect(removed.firstBad.seq).toBe(2)
    expect(removed.firstBad.problem).toContain('missing')
  })
})

describe('bad configuration', () => {
  it('exits 2, names the field and what was expected, and writes no state', async () => {
    p = await SamplePlatform.create({ configText: singleAppConfig() })
    await writeFile(p.configFile, singleAppConfig().replace('interval: 1s', 'interval: thirty'))
    const r = await p.cli(['init'])
    expect(r.code).toBe(2)
    expect(r.stderr).toContain('apps.staff.health.interval: expected a duration such as 30s, got "thirty"')
    expect(r.stderr).toMatch(/lastgood\.yaml:\d+:\d+: /)
    expect(existsSync(join(p.dir, '.lastgood'))).toBe(false)
    for (const args of [['status'], ['snapshot', 'create', 'staff'], ['rollback', 'staff', '--reason', 'x', '--yes']]) {
      const again = await p.cli(args)
      expect(again.code).toBe(2)
      expect(existsSync(join(p.dir, '.lastgood'))).toBe(false)
    }
    await rm(join(p.dir, 'lastgood.yaml'))
    const missing = await p.cli(['status'])
    expect(missing.code).toBe(2)
    expect(missing.stderr).toContain('lastgood init')
  })
})
