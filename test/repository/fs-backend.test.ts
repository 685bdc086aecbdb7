import { readdir } from 'node:fs/promises'
import { join } from 'node:path'
import { describe, expect, test } from 'vitest'
import { FsBackend } from '../../src/repository/backends/fs/fs-backend.js'
import { errno } from './faulty-backend.js'
import { tempDir } from './helpers.js'

describe('fs backend', () => {
  test('packs live under data/<first two hex>/', async () => {
    const b = new FsBackend(join(await tempDir(), 'repo'))
    const name = 'f0' + '1'.repeat(62)
    await b.save({ type: 'pack', name }, Buffer.from('p'))
    expect(await readdir(join(b.location, 'data', 'f0'))).toEqual([name])
  })

  test('case 8: ENOSPC half-way through a write leaves no visible file and no temp file', async () => {
    const dir = join(await tempDir(), 'repo')
    const ok = new FsBackend(dir)
    await ok.save({ type: 'snapshot', name: 'old' }, Buffer.from('old content'))
    const full = new FsBackend(dir, {
      io: {
        write: async (fh, data) => {
          await fh.write(data.subarray(0, data.length >> 1))
          throw errno('ENOSPC', 'no space left on device, write')
        },
        sync: (fh) => fh.sync(),
      },
    })
    await expect(full.save({ type: 'snapshot', name: 'new' }, Buffer.alloc(4096, 1))).rejects.toThrow(/ENOSPC/)
    await expect(full.save({ type: 'snapshot', name: 'old' }, Buffer.alloc(4096, 1))).rejects.toThrow(/ENOSPC/)
    expect(await readdir(join(dir, 'snapshots'))).toEqual(['old'])
    expect(Buffer.from(await ok.load({ type: 'snapshot', name: 'old' })).toString()).toBe('old content')
  })

  test('case 8: EIO at fsync leaves the previous version in place', async () => {
    const dir = join(await tempDir(), 'repo')
    const ok = new FsBackend(dir)
    await ok.save({ type: 'index', name: 'i' }, Buffer.from('v1'))
    const eio = new FsBackend(dir, {
      io: { write: async (fh, data) => void (await fh.writeFile(data)), sync: async () => Promise.reject(errno('EIO')) },
    })
    await expect(eio.save({ type: 'index', name: 'i' }, Buffer.from('v2'))).rejects.toThrow(/EIO/)
    expect(Buffer.from(await ok.load({ type: 'index', name: 'i' })).toString()).toBe('v1')
    expect(await readdir(join(dir, 'index'))).toEqual(['i'])
  })
})
