import { execFile } from 'node:child_process'
import path from 'node:path'
import { promisify } from 'node:util'
import { describe, expect, it } from 'vitest'
import { MINIMAL, writeConfig } from '../config/temp-config.js'

const BIN = path.resolve(import.meta.dirname, '../../bin/lastgood.cjs')
const run = promisify(execFile)

/** Exit code and stderr of the built CLI (npm run build). */
async function cli(args: string[]): Promise<{ code: number; stderr: string; ms: number }> {
  const started = performance.now()
  const done = await run(process.execPath, [BIN, ...args]).then(
    (r) => ({ code: 0, stderr: r.stderr }),
    (err: { code: number; stderr: string }) => ({ code: err.code, stderr: err.stderr }),
  )
  return { ...done, ms: performance.now() - started }
}

describe('every configuration error exits 2 with its location', () => {
  it('a bad duration under defaults.rollback.validation (it exited 1 with a stack trace)', async () => {
    const file = await writeConfig(`${MINIMAL}defaults:\n  rollback:\n    validation: { window: 1e3s, interval: 2s }\n`)
    const r = await cli(['--config', file, 'validate'])
    expect(r.code).toBe(2)
    expect(r.stderr).toContain(`${file}:16:27: defaults.rollback.validation.window: expected a duration such as 30s, got "1e3s"`)
  })

  it('--config /dev/zero is refused at once', async () => {
    const r = await cli(['--config', '/dev/zero', 'validate'])
    expect(r.code).toBe(2)
    expect(r.stderr).toContain('/dev/zero: larger than 4MiB')
    expect(r.ms).toBeLessThan(10_000)
  })
})
