import { lchown, lstat, mkdir, readdir, readlink, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { SamplePlatform } from '../../src/demo/sample-platform.js'
import { LINKED_DIRS, LINKED_FILES, linkIntoShared, sharedDir } from '../providers/local-release/capistrano-fixture.js'

const LINKS = [...LINKED_FILES, ...LINKED_DIRS]
let p: SamplePlatform | undefined

afterEach(async () => {
  await p?.destroy()
  p = undefined
})

/** A Capistrano deploy root for staff: shared/ beside releases/, as `cap production deploy` leaves it. */
function config(extraApps = '', staffRelease = ''): string {
  return `version: 1
platform: test
apps:
${extraApps}  staff:
    priority: 2
    health:
      interval: 1s
      timeout: 2s
      checks:
        - name: health
          url: http://127.0.0.1:\${CLINIC_STAFF_PORT}/health
    components:
      release:
        provider: local-release
        path: ./apps/staff
${staffRelease}    rollback:
      validation: { window: 30s, passes: 2, interval: 250ms }
`
}

async function platform(configText: string): Promise<{ p: SamplePlatform; root: string }> {
  p = await SamplePlatform.create({ configText })
  const root = join(p.dir, 'apps/staff')
  await sharedDir(root)
  await p.deploy('staff', 'v1')
  await linkIntoShared(root, 'v1', 'absolute')
  return { p, root }
}

async function deployV2(p: SamplePlatform, root: string): Promise<void> {
  await p.deploy('staff', 'v2')
  await linkIntoShared(root, 'v2', 'relative')
}

/** Type, mode, numeric owner and link target of everything in a release, by lstat. */
async function lstatTree(dir: string, rel = '', out: Record<string, string> = {}): Promise<Record<string, string>> {
  const st = await lstat(join(dir, rel))
  out[rel] = `${st.isSymbolicLink() ? `link ${await readlink(join(dir, rel))}` : (st.mode & 0o7777).toString(8)} ${st.uid}:${st.gid}`
  if (st.isDirectory()) for (const name of await readdir(join(dir, rel))) await lstatTree(dir, rel ? `${rel}/${name}` : name, out)
  return out
}

const jsonLogLine = /^\{"level"/m

describe('issue 10 items 6, 7 and 8 end to end: a Capistrano release owned by the deploy user, which the app writes into', () => {
  it('case 20: rollback as root rebuilds it with its links into shared/, owners and modes; the copy moved aside is kept by retention and listed in status; no raw JSON log line in human output', async () => {
    const { p, root } = await platform(config('', '        displaced: { keep_last: 1 }\n'))
    const v1 = join(root, 'releases/v1')
    for (const rel of Object.keys(await lstatTree(v1))) await lchown(join(v1, rel), 1000, 1000)
    await lchown(join(v1, 'log'), 65534, 65534)
    const captured = await lstatTree(v1)
    await p.start(['staff'])
    expect((await p.cli(['init'])).code).toBe(0)
    const snap = await p.cli(['snapshot', 'create', 'staff'])
    expect(snap.code, snap.stderr).toBe(0)

    await deployV2(p, root)
    // A copy an earlier rollback left; with keep_last: 1 the one this rollback makes replaces it.
    const earlier = join(root, 'releases/v1.displaced-20260101T000000Z')
    await mkdir(earlier)
    await writeFile(join(v1, 'public/cache.json'), '{"written":"by the app"}')
    const dry = await p.cli(['rollback', 'staff', '--reason', 'v2 is broken', '--dry-run'])
    expect(dry.stdout).toContain('keep 5 links out of the release as links; what they point to is not in the snapshot')
    const r = await p.cli(['rollback', 'staff', '--reason', 'v2 is broken', '--yes'])
    expect(r.code, r.stderr).toBe(0)
    expect(r.stdout + r.stderr).not.toMatch(jsonLogLine)
    expect(await readlink(join(root, 'current'))).toBe('releases/v1')
    expect(await lstatTree(v1)).toEqual(captured)
    for (const link of LINKS) expect(await readlink(join(v1, link))).toBe(join(root, 'shared', link))

    const copies = (await readdir(join(root, 'releases'))).filter((n) => n.startsWith('v1.displaced-'))
    expect(copies).toHaveLength(1)
    expect(copies[0]).not.toBe('v1.displaced-20260101T000000Z')
    const status = await p.cli(['status', 'staff'])
    expect(status.code, status.stderr).toBe(0)
    expect(status.stdout + status.stderr).not.toMatch(jsonLogLine)
    expect(status.stdout).toContain('release copies restores moved aside')
    expect(status.stdout).toContain(join(root, 'releases', copies[0]!))
    const json = JSON.parse((await p.cli(['--json', 'status', 'staff'])).stdout)
    expect(json.apps[0].leftovers).toEqual([expect.objectContaining({ component: 'release', path: join(root, 'releases', copies[0]!) })])
  })
})

describe('issue 10 item 6: one component that cannot be captured does not stop the others', () => {
  it('snapshot create all: the other apps are captured, and each failing component is named', async () => {
    const broken = `  inventory:
    priority: 1
    components:
      config:
        provider: command
        current: "echo c1"
        capture: "echo 'no credentials for the edge API' >&2; exit 3"
        restore: "cat > /dev/null"
      docs:
        provider: local-release
        path: ./apps/docs
      assets:
        provider: command
        current: "echo a1"
        capture: "echo '{}'"
        restore: "cat > /dev/null"
`
    const { p } = await platform(config(broken))
    expect((await p.cli(['init'])).code).toBe(0)
    const r = await p.cli(['snapshot', 'create', 'all'])
    expect(r.code).toBe(1)
    expect(r.stdout).toMatch(/staff\s+release=v1/)
    expect(r.stderr).toMatch(
      /inventory: not captured: snapshot of inventory not taken, 2 of 3 components failed: config: .*no credentials.*; docs: .*release layout is missing.*; captured but not recorded: assets \(a1\)/,
    )
    const list = JSON.parse((await p.cli(['--json', 'snapshot', 'list'])).stdout)
    expect(list.snapshots.map((s: { app: string }) => s.app)).toEqual(['staff'])
    const json = await p.cli(['--json', 'snapshot', 'create', 'staff', 'inventory'])
    expect(json.code).toBe(1)
    expect(JSON.parse(json.stdout)).toMatchObject({
      snapshots: [{ app: 'staff' }],
      failed: [{ app: 'inventory', error: expect.stringContaining('config:') }],
    })
  })
})
