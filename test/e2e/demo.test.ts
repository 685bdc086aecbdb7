import { spawn } from 'node:child_process'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { PACKAGE_ROOT } from '../../src/core/package-root.js'

describe('npm run demo', () => {
  it('tells the whole story and exits 0, leaving no process behind', async () => {
    const { code, out } = await new Promise<{ code: number | null; out: string }>((ok) => {
      const child = spawn(process.execPath, [join(PACKAGE_ROOT, 'dist/src/demo/run-demo.js')], { stdio: ['ignore', 'pipe', 'pipe'] })
      let out = ''
      child.stdout.on('data', (d) => (out += d))
      child.stderr.on('data', (d) => (out += d))
      child.once('close', (c) => ok({ code: c, out }))
    })
    expect(code, out).toBe(0)
    expect(out).toContain('$ lastgood rollback staff --reason "v2 fails its health check" --yes')
    expect(out).toMatch(/\$ lastgood --as team-lead-dana approve ap-\S+ --reason "staff is down for everyone"/)
    expect(out).toContain('SUCCEEDED')
    expect(out).toContain('audit chain intact')
    expect(out).toContain('no damage found')
  }, 120_000)
})
