import { rm } from 'node:fs/promises'
import { join } from 'node:path'
import { describeTree } from '../fixtures.js'
import { providerConformance } from '../provider-conformance.js'
import { MemoryBlobStore } from '../../helpers/memory-blob-store.js'
import { switchCurrent } from '../../../src/demo/sample-platform.js'
import { V1, V2, writeRelease } from './release-fixture.js'

providerConformance('local-release', (dir) => {
  const root = join(dir, 'deploy')
  return {
    options: { provider: 'local-release', path: './deploy' },
    missing: { path: './no-such-deploy-root' },
    invalid: { restart_timeout: 'soon' },
    async deploy(version) {
      await writeRelease(root, version, version === 'v1' ? V1 : V2)
      await switchCurrent(join(root, 'current'), `releases/${version}`)
    },
    observe: () => describeTree(root),
    async previewed() {
      const { '': _root, ...files } = await describeTree(join(root, 'current/'))
      return files
    },
    // The repository lost the release's data and the release is no longer on disk: nothing to rebuild it from.
    async breakRestore(m) {
      await rm(join(root, 'releases', m.version), { recursive: true })
      return { blobs: new MemoryBlobStore() }
    },
  }
})
