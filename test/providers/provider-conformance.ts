import { execFile } from 'node:child_process'
import { writeFile } from 'node:fs/promises'
import { join, resolve } from 'node:path'
import { promisify } from 'node:util'
import { describe, expect, test } from 'vitest'
import { resolvePath } from '../../src/config/resolve-path.js'
import type { ResolvedComponent } from '../../src/config/types.js'
import { UserError } from '../../src/core/errors.js'
import { initPlatform } from '../../src/platform/init-platform.js'
import type { Change, ComponentManifest, Provider } from '../../src/providers/provider.js'
import { factoryFor, providerFactories, providerFor, resolveComponent } from '../../src/providers/registry.js'
import type { BlobStore } from '../../src/repository/blob-store.js'
import { MemoryBlobStore } from '../helpers/memory-blob-store.js'
import { testContext, useTempDirs, withoutStamps } from './fixtures.js'

/** Component options as lastgood.yaml holds them (snake_case, units as text); relative paths are against the fixture's directory. */
export type Options = Record<string, unknown>

/** A small real installation of one kind of component in a directory of its own, with two versions to deploy. */
export interface ProviderFixture {
  /** Options of a component that works, with `provider` naming the kind. */
  options: Options
  /** Options over `options` that name something that does not exist: current() and capture() refuse with a UserError. */
  missing: Options
  /** Options over `options` with a value the schema refuses (`lastgood validate` exits 2). */
  invalid: Options
  /** Makes `version` the live one, the way the team's own deploy would. */
  deploy(version: 'v1' | 'v2'): Promise<void>
  /** Everything observable about the installation on disk: equal before and after means nothing changed. */
  observe(): Promise<Record<string, string>>
  /** The live files a preview speaks about, each keyed by the path its changes name it by. */
  previewed(): Promise<Record<string, string>>
  /**
   * Sets up the way this kind's restore of `m` naturally fails before its switch point (its data missing from
   * the repository, its restore command failing) and returns what to restore with instead.
   */
  breakRestore(m: ComponentManifest, blobs: MemoryBlobStore): Promise<{ options?: Options; blobs?: BlobStore }>
}

const BIN = resolve(import.meta.dirname, '../../bin/lastgood.cjs')
const NAME = 'part'

/**
 * What every provider must do (the contracts on Provider in src/providers/provider.ts). Each provider's test
 * file runs this suite against a real fixture: real files, real shell commands, and the built CLI.
 */
export function providerConformance(kind: string, make: (dir: string) => ProviderFixture | Promise<ProviderFixture>): void {
  const tempDir = useTempDirs()

  async function setUp() {
    const dir = await tempDir('lastgood-conformance-')
    const f = await make(dir)
    const component = (over: Options = {}) => resolveOptions(dir, { ...f.options, ...over })
    const c = component()
    const blobs = new MemoryBlobStore()
    const ctx = (b: BlobStore = blobs) => testContext(b, { configDir: dir, component: NAME })
    return { dir, f, c, component, provider: providerFor(c), blobs, ctx }
  }

  describe(`provider conformance: ${kind}`, () => {
    test('the registry lists it once; its schema and resolve give the options its provider takes; flags agree with its methods', async () => {
      const { f, c, provider } = await setUp()
      const factory = factoryFor(c)
      expect(providerFactories.filter((x) => x.kind === kind)).toHaveLength(1)
      expect([f.options.provider, c.provider, factory.kind, provider.kind]).toEqual([kind, kind, kind, kind])
      expect(!!c.data).toBe(factory.capabilities.data)
      expect(factory.restartCommand !== undefined).toBe(factory.capabilities.restartsAfterRestore)
      expect(Object.values(factory.capabilities).every((v) => typeof v === 'boolean')).toBe(true)
    })

    test('reading what is live changes nothing', async () => {
      const { f, c, provider, ctx } = await setUp()
      await f.deploy('v1')
      const before = await f.observe()
      expect((await provider.current(c, ctx())).version).toBe('v1')
      expect((await provider.current(c, ctx())).version).toBe('v1')
      expect(await f.observe()).toEqual(before)
    })

    test('capture is idempotent: twice gives the same manifest, stores nothing new and changes nothing live', async () => {
      const { f, c, provider, blobs, ctx } = await setUp()
      await f.deploy('v1')
      const before = await f.observe()
      const first = await provider.capture(c, ctx())
      const stored = blobs.size
      const second = await provider.capture(c, ctx())
      // Stamps aside: a file's ctime may settle only after the first capture read it (fixtures.ts, withoutStamps).
      expect(withoutStamps(second)).toEqual(withoutStamps(first))
      expect(first).toMatchObject({ provider: kind, version: 'v1' })
      expect(blobs.size).toBe(stored)
      for (const ref of first.refs) expect(await blobs.hasBlob(ref)).toBe(true)
      expect(await f.observe()).toEqual(before)
    })

    test('preview changes nothing and lists what restore then does', async () => {
      const { f, c, provider, ctx } = await setUp()
      await f.deploy('v1')
      const m = await provider.capture(c, ctx())
      await f.deploy('v2')
      const before = await f.observe()
      const files = await f.previewed()
      const changes = await provider.preview(c, m, ctx())
      expect(await f.observe()).toEqual(before)
      expect(changes.filter((x) => x.kind === 'version')).toEqual([{ kind: 'version', before: 'v2', after: 'v1' }])

      await provider.restore(c, m, ctx())
      expect((await provider.current(c, ctx())).version).toBe('v1')
      const after = await f.previewed()
      const differing = [...new Set([...Object.keys(files), ...Object.keys(after)])].filter((p) => files[p] !== after[p])
      expect(differing.length).toBeGreaterThan(0)
      expect(fileChanges(changes)).toEqual(differing.sort())
    })

    test('restore is idempotent: a second restore of the same manifest succeeds and leaves the same live state', async () => {
      const { f, c, provider, ctx } = await setUp()
      await f.deploy('v1')
      const m = await provider.capture(c, ctx())
      await f.deploy('v2')
      await provider.restore(c, m, ctx())
      const once = await f.observe()
      await provider.restore(c, m, ctx())
      expect(await f.observe()).toEqual(once)
      expect((await provider.current(c, ctx())).version).toBe('v1')
      expect(fileChanges(await provider.preview(c, m, ctx()))).toEqual([])
    })

    test('a restore that fails before its switch point leaves the old version live and the installation as it was', async () => {
      const { f, c, component, provider, blobs, ctx } = await setUp()
      await f.deploy('v1')
      const m = await provider.capture(c, ctx())
      await f.deploy('v2')
      const broken = await f.breakRestore(m, blobs)
      const before = await f.observe()
      await expect(provider.restore(component(broken.options), m, ctx(broken.blobs))).rejects.toThrow()
      expect(await f.observe()).toEqual(before)
      expect((await provider.current(c, ctx())).version).toBe('v2')
    })

    test('an identifier that names nothing is a UserError; through the CLI it and a bad option exit 2', async () => {
      const { dir, f, component, ctx } = await setUp()
      await f.deploy('v1')
      const missing = component(f.missing)
      const provider: Provider<ResolvedComponent> = providerFor(missing)
      await expect(provider.current(missing, ctx())).rejects.toBeInstanceOf(UserError)
      await expect(provider.capture(missing, ctx())).rejects.toBeInstanceOf(UserError)

      const missingConfig = await writeConfig(join(dir, 'missing.yaml'), { ...f.options, ...f.missing })
      const invalidConfig = await writeConfig(join(dir, 'invalid.yaml'), { ...f.options, ...f.invalid })
      await initPlatform({ configFile: missingConfig, actor: 'conformance' })
      // Two processes at once: each spends most of its time starting node.
      const [snapshot, validate] = await Promise.all([
        cli(['--config', missingConfig, 'snapshot', 'create', 'web', '--reason', 'conformance']),
        cli(['--config', invalidConfig, 'validate']),
      ])
      expect(snapshot).toMatchObject({ code: 2, stderr: expect.stringContaining(NAME) })
      expect(validate.code).toBe(2)
      for (const key of Object.keys(f.invalid)) expect(validate.stderr).toContain(`apps.web.components.${NAME}.${key}:`)
    })
  })
}

/** The options through the kind's own schema and resolve, as a configuration in `dir` would give them. */
function resolveOptions(dir: string, options: Options): ResolvedComponent {
  const factory = providerFactories.find((f) => f.kind === options.provider)
  if (!factory) throw new Error(`no provider ${String(options.provider)}`)
  return resolveComponent(NAME, factory.configSchema.parse(options), { dir, resolvePath })
}

/** Paths of the file lines of a preview (added, changed, removed), sorted. */
function fileChanges(changes: Change[]): string[] {
  return changes
    .filter((x) => x.kind === 'added' || x.kind === 'changed' || x.kind === 'removed')
    .map((x) => x.path!)
    .sort()
}

/** A configuration file with one app `web` holding the one component (JSON is YAML). */
async function writeConfig(file: string, options: Options): Promise<string> {
  await writeFile(
    file,
    `version: 1\nplatform: conformance\napps:\n  web:\n    priority: 1\n    components:\n      ${NAME}: ${JSON.stringify(options)}\n`,
  )
  return file
}

async function cli(args: string[]): Promise<{ code: number; stderr: string }> {
  return promisify(execFile)(process.execPath, [BIN, ...args]).then(
    (r) => ({ code: 0, stderr: r.stderr }),
    (err: { code: number; stderr: string }) => ({ code: err.code, stderr: err.stderr }),
  )
}
