import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { SamplePlatform } from '../../src/demo/sample-platform.js'
import { singleAppConfig } from '../helpers/configs.js'
import { peopleWithTokens } from '../helpers/people.js'
import { ServeProcess } from '../server/serve-process.js'

// The snapshot, rollback, incident and audit paths end to end, twice: on one platform by the local command
// line, on its twin through `lastgood serve` with --server and API tokens. Every step must give the same
// --json document (times, durations, hashes, paths and new ids masked; how the actor authenticated dropped)
// and the same exit code, so the two doors cannot drift apart.

interface Twin {
  p: SamplePlatform
  run(args: string[], as?: string): Promise<{ code: number; doc: unknown }>
}

const PEOPLE = [
  ['ann', 'operator'],
  ['sam', 'security'],
] as const

let local: Twin
let remote: Twin
let server: ServeProcess & { url: string }

/** The same on both twins, the people and their tokens too (unused here), so their audit trails match. */
async function platform(tokens: Record<string, string>): Promise<SamplePlatform> {
  const p = await SamplePlatform.create({ configText: singleAppConfig() })
  await p.deploy('staff', 'v1')
  await p.startApp('staff')
  expect((await p.cli(['init'])).code).toBe(0)
  Object.assign(tokens, await peopleWithTokens(p, PEOPLE))
  return p
}

beforeAll(async () => {
  // One at a time: a sample platform sets its ports in the environment while it loads its configuration.
  const here = await platform({})
  const tokens: Record<string, string> = {}
  const there = await platform(tokens)
  local = {
    p: here,
    // Without an auth block the local actor is $LASTGOOD_ACTOR: the same name the twin's token acts as.
    run: async (args, as = 'ann') => parsed(await here.cli(['--json', ...args], { env: { LASTGOOD_ACTOR: as } }), here),
  }
  server = await ServeProcess.start(there)
  remote = {
    p: there,
    run: async (args, as = 'ann') =>
      parsed(await there.cli(['--json', '--server', server.url, ...args], { env: { LASTGOOD_TOKEN: tokens[as]! } }), there),
  }
}, 60_000)

afterAll(async () => {
  await server?.stop('SIGKILL')
  await Promise.all([local?.p.destroy(), remote?.p.destroy()])
})

function parsed(r: { code: number; stdout: string }, p: SamplePlatform): { code: number; doc: unknown } {
  return { code: r.code, doc: masked(r.stdout, p.dir) }
}

/** What differs between two platforms by nature: when, how long, their directories, hashes and the ids they made. */
function masked(stdout: string, dir: string): unknown {
  const ids = new Map<string, string>()
  const text = stdout
    .split(dir)
    .join('<dir>')
    .replace(/\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z/g, '<time>')
    .replace(/\b[0-9a-f]{64}\b/g, '<hash>')
    .replace(/\b([a-z][a-z0-9]*)-\d{8}-\d{6}-[0-9a-f]{4}\b/g, (id, kind: string) => {
      if (!ids.has(id)) ids.set(id, `<${kind}#${[...ids.keys()].filter((k) => k.startsWith(`${kind}-`)).length + 1}>`)
      return ids.get(id)!
    })
    .replace(/\b(\d+(\.\d+)? ?(ms|h|m|s))+\b/g, '<duration>')
  // audit export writes JSON lines: one document each.
  const docs = text.trim().startsWith('{\n') || text.trim() === '' ? [text] : text.trim().split('\n')
  return docs.length === 1 ? dropAuth(JSON.parse(docs[0]!)) : docs.map((line) => dropAuth(JSON.parse(line)))
}

/** Numbers that measure time, or bytes of packs whose content holds times. */
const MEASURED = /(Ms|^ms|^seq|^bytesRead|^bytes)$/
const HOW_AUTHENTICATED = new Set(['auth', 'via', 'os_user'])

function dropAuth(v: unknown, parent = ''): unknown {
  if (Array.isArray(v)) return v.map((x) => dropAuth(x))
  if (v === null || typeof v !== 'object') return v
  return Object.fromEntries(
    Object.entries(v)
      // The server runs a monitor, the local twin none: a rollback's report says so, as it should.
      .filter(([k]) => !HOW_AUTHENTICATED.has(k) && !(parent === 'watchers' && k === 'monitor'))
      .map(([k, x]) => [k, MEASURED.test(k) && typeof x === 'number' ? 0 : dropAuth(x, k)]),
  )
}

/** The same step on both twins: the same exit code and document; each twin's own ids are passed by `args`. */
async function both(
  args: (t: Twin) => string[],
  expected: number,
  as?: string,
  same: (doc: unknown) => unknown = (doc) => doc,
): Promise<void> {
  const [here, there] = [await local.run(args(local), as), await remote.run(args(remote), as)]
  const what = args(local).join(' ')
  expect(here.code, `${what}: ${JSON.stringify(here.doc)}`).toBe(expected)
  expect(there.code, what).toBe(here.code)
  expect(same(there.doc), what).toEqual(same(here.doc))
}

/**
 * The server runs the monitor, which records that it started; and each process checkpoints the trail as it
 * closes, so the twins differ by that event and by how many checkpoints. The rest is the same.
 */
function withoutTheServersOwn(doc: unknown): unknown {
  if (Array.isArray(doc))
    return doc.filter((e) => !(e as { action?: string } | null)?.action?.startsWith('monitor.')).map(withoutTheServersOwn)
  if (doc === null || typeof doc !== 'object') return doc
  const d = doc as Record<string, unknown>
  // A chain verification: how many events and checkpoints it read.
  if (typeof d.events === 'number' && d.checkpoints) return { ...d, events: 'some', checkpoints: { ...d.checkpoints, count: 'some' } }
  return Object.fromEntries(Object.entries(d).map(([k, v]) => [k, withoutTheServersOwn(v)]))
}

const ids = new Map<Twin, Record<string, string>>()
const idOf = (t: Twin, key: string) => ids.get(t)?.[key] ?? `missing-${key}`
describe('the same flows locally and through --server', () => {
  it('snapshots: create, list, show, verify, mark good, prune preview', async () => {
    await both(() => ['snapshot', 'create', 'staff', '--label', 'v1 deploy'], 0)
    for (const t of [local, remote]) {
      const list = JSON.parse((await t.p.cli(['--json', 'snapshot', 'list', 'staff'])).stdout) as { snapshots: { id: string }[] }
      ids.set(t, { snapshot: list.snapshots[0]!.id })
    }
    await both(() => ['snapshot', 'list'], 0)
    await both((t) => ['snapshot', 'show', idOf(t, 'snapshot')], 0)
    await both(() => ['snapshot', 'verify', '--read-data'], 0)
    await both((t) => ['snapshot', 'mark-good', idOf(t, 'snapshot'), '--reason', 'checked by hand'], 0)
    await both(() => ['snapshot', 'prune', '--dry-run'], 0)
    await both(() => ['snapshot', 'show', 'sn-nope'], 2)
    await both(() => ['snapshot', 'create', 'nosuchapp'], 2)
  }, 60_000)

  it('rollback: preview, run, nothing left to restore, bad requests, unknown runs and proposals', async () => {
    for (const t of [local, remote]) await t.p.deploy('staff', 'v2')
    await both(() => ['snapshot', 'create', 'staff', '--label', 'v2 deploy'], 0)
    for (const t of [local, remote]) {
      const list = JSON.parse((await t.p.cli(['--json', 'snapshot', 'list', 'staff'])).stdout) as { snapshots: { id: string }[] }
      ids.set(t, { ...ids.get(t), v2: list.snapshots[0]!.id })
    }
    await both(() => ['rollback', 'staff', '--reason', 'v2 is broken', '--dry-run'], 0)
    await both((t) => ['rollback', 'staff', '--reason', 'v2 is broken', '--to', idOf(t, 'snapshot'), '--yes'], 0)
    await both(() => ['rollback', 'staff', '--reason', 'again', '--yes'], 2)
    await both(() => ['rollback', 'nosuchapp', '--reason', 'x', '--yes'], 2)
    await both(() => ['rollback', 'staff', '--yes'], 2)
    await both(() => ['rollback', '--resume', 'rb-20260101-000000-0000', '--reason', 'x', '--yes'], 2)
    await both(() => ['rollback', '--abandon', 'rb-20260101-000000-0000', '--reason', 'x', '--yes'], 2)
    await both(() => ['rollback', '--pending', 'pr-nope', '--yes'], 2)
    // Back to v2 by its snapshot: a rollback may go forward to any snapshot named with --to.
    await both((t) => ['rollback', 'staff', '--reason', 'v2 after all', '--to', idOf(t, 'v2'), '--yes'], 0)
    await both(() => ['status'], 0)
  }, 120_000)

  it('incidents: declare, note, escalate, show, resolve, post-mortem', async () => {
    // Its runbook finds nothing known good taken before it (the last rollback went forward to v2): exit 1 on both.
    await both(() => ['incident', 'declare', 'performance_degradation', '--scope', 'staff', '--reason', 'slow pages'], 1)
    for (const t of [local, remote]) {
      const list = JSON.parse((await t.p.cli(['--json', 'incident', 'list'])).stdout) as { incidents: { id: string }[] }
      ids.set(t, { ...ids.get(t), incident: list.incidents[0]!.id })
    }
    await both((t) => ['incident', 'note', idOf(t, 'incident'), 'looking', 'into', 'it'], 0)
    await both((t) => ['incident', 'escalate', idOf(t, 'incident'), '--reason', 'still slow'], 0)
    await both((t) => ['incident', 'show', idOf(t, 'incident')], 0)
    await both((t) => ['incident', 'resolve', idOf(t, 'incident'), '--summary', 'cache warmed'], 0)
    await both((t) => ['incident', 'postmortem', idOf(t, 'incident')], 0)
    await both(() => ['incident', 'list', '--all'], 0)
    await both((t) => ['incident', 'resolve', idOf(t, 'incident'), '--summary', 'twice'], 2)
  }, 90_000)

  it('audit: log, verify, export, compliance report', async () => {
    await both(() => ['audit', 'verify'], 0, 'ann', withoutTheServersOwn)
    await both(() => ['audit', 'log', '--limit', '200'], 0, 'ann', withoutTheServersOwn)
    await both(() => ['audit', 'export'], 0, 'sam', withoutTheServersOwn)
    await both(() => ['report', 'compliance', '--since', '1d'], 0, 'ann', withoutTheServersOwn)
    await both(() => ['audit', 'log', '--limit', '0'], 2)
  }, 60_000)
})
