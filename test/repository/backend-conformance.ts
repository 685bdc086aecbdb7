import { describe, expect, test } from 'vitest'
import { AlreadyExistsError, NotFoundError, listAll, type Backend } from '../../src/repository/backend.js'
import type { BackendFactory, RepositorySettings } from '../../src/repository/backends/backend-factory.js'
import { backendFactoryFor } from '../../src/repository/backends/backend-registry.js'

/** How the suite gets a fresh, empty repository location of one backend, and leaves its kind of leftovers. */
export interface BackendFixture {
  settings(): Promise<RepositorySettings>
  /** Leaves interrupted-write leftovers the way the backend would; how many (0 if it has none). */
  makeTemp(b: Backend): Promise<number>
}

/**
 * What every repository backend must do, run against a real instance of it made through its factory (see
 * backend-conformance.test.ts, which runs it for every registered backend).
 */
export function backendConformance(factory: BackendFactory, fixture: BackendFixture): void {
  const make = async (): Promise<Backend> => factory.create(factory.configSchema.parse(await fixture.settings()))
  const makeTemp = (b: Backend) => fixture.makeTemp(b)
  describe(`backend conformance: ${factory.kind}`, () => {
    test('the settings that name this repository pick this backend', async () => {
      expect(backendFactoryFor(await fixture.settings())).toBe(factory)
    })

    test('save then load returns the same bytes; ranges return the slice, short at the end', async () => {
      const b = await make()
      const data = Buffer.from('0123456789abcdef')
      await b.save({ type: 'pack', name: 'ab' + 'c'.repeat(62) }, data)
      const h = { type: 'pack' as const, name: 'ab' + 'c'.repeat(62) }
      expect(Buffer.from(await b.load(h))).toEqual(data)
      expect(Buffer.from(await b.load(h, { offset: 4, length: 3 })).toString()).toBe('456')
      expect(Buffer.from(await b.load(h, { offset: 14, length: 10 })).toString()).toBe('ef')
      expect(await b.stat(h)).toEqual({ name: h.name, size: 16 })
    })

    test('a missing file is NotFoundError on load and undefined on stat', async () => {
      const b = await make()
      await expect(b.load({ type: 'snapshot', name: 'nope' })).rejects.toBeInstanceOf(NotFoundError)
      expect(await b.stat({ type: 'snapshot', name: 'nope' })).toBeUndefined()
    })

    test('save replaces, unless exclusive', async () => {
      const b = await make()
      const h = { type: 'snapshot' as const, name: 's1' }
      await b.save(h, Buffer.from('one'))
      await b.save(h, Buffer.from('two'))
      expect(Buffer.from(await b.load(h)).toString()).toBe('two')
      await expect(b.save(h, Buffer.from('three'), { exclusive: true })).rejects.toBeInstanceOf(AlreadyExistsError)
      expect(Buffer.from(await b.load(h)).toString()).toBe('two')
    })

    test('list returns each type apart and never a temp file; remove is idempotent', async () => {
      const b = await make()
      await b.save({ type: 'index', name: 'i1' }, Buffer.from('x'))
      await b.save({ type: 'index', name: 'i2' }, Buffer.from('yy'))
      await b.save({ type: 'snapshot', name: 's1' }, Buffer.from('z'))
      await b.save({ type: 'config', name: 'config' }, Buffer.from('c'))
      await makeTemp(b)
      expect((await listAll(b, 'index')).sort((x, y) => x.name.localeCompare(y.name))).toEqual([
        { name: 'i1', size: 1 },
        { name: 'i2', size: 2 },
      ])
      expect(await listAll(b, 'snapshot')).toEqual([{ name: 's1', size: 1 }])
      expect(await listAll(b, 'config')).toEqual([{ name: 'config', size: 1 }])
      expect(await listAll(b, 'lock')).toEqual([])
      await b.remove({ type: 'index', name: 'i1' })
      await b.remove({ type: 'index', name: 'i1' })
      expect((await listAll(b, 'index')).map((f) => f.name)).toEqual(['i2'])
    })

    test('invalid names are refused before touching storage', async () => {
      const b = await make()
      for (const name of ['../x', '.tmp-x', 'a/b', '', 'a\0b']) {
        await expect(b.save({ type: 'snapshot', name }, Buffer.from('x'))).rejects.toThrow(/invalid repository file handle/)
      }
    })

    test('removeTempFiles removes interrupted-write leftovers and nothing else', async () => {
      const b = await make()
      await b.save({ type: 'snapshot', name: 's1' }, Buffer.from('z'))
      const made = await makeTemp(b)
      const cleaned = await b.removeTempFiles()
      expect(cleaned.files).toBe(made)
      expect(await listAll(b, 'snapshot')).toEqual([{ name: 's1', size: 1 }])
      expect((await b.removeTempFiles()).files).toBe(0)
    })
  })
}
