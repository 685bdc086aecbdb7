import { mkdir, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { test } from 'vitest'
import { backendFactories } from '../../src/repository/backends/backend-registry.js'
import { backendConformance, type BackendFixture } from './backend-conformance.js'
import { tempDir } from './helpers.js'

/** How the suite gets a repository location of each registered backend, by the backend's kind. */
const fixtures: Record<string, BackendFixture> = {
  fs: {
    settings: async () => ({ path: join(await tempDir(), 'repo') }),
    async makeTemp(b) {
      const dir = b.location
      await mkdir(join(dir, 'index'), { recursive: true })
      await mkdir(join(dir, 'data', 'ab'), { recursive: true })
      await writeFile(join(dir, 'index', '.tmp-leftover'), 'half')
      await writeFile(join(dir, 'data', 'ab', '.tmp-leftover'), 'half')
      await writeFile(join(dir, '.tmp-config'), 'half')
      return 3
    },
  },
}

for (const factory of backendFactories) {
  const fixture = fixtures[factory.kind]
  if (fixture) backendConformance(factory, fixture)
  else {
    // A new backend cannot pass without its suite: it fails here until it has a fixture.
    test(`backend ${factory.kind} has a conformance fixture`, () => {
      throw new Error(`repository backend ${factory.kind} has no fixture: add one to test/repository/backend-conformance.test.ts`)
    })
  }
}
