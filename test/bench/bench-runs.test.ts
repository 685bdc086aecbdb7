import { spawnSync } from 'node:child_process'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { PACKAGE_ROOT } from '../../src/core/package-root.js'

// A figure is a median with its min and max over five runs at least: fewer is refused before anything runs.
describe('BENCH_RUNS', () => {
  it.each(['3', 'five', '5.5'])('BENCH_RUNS=%s exits 2 with what to set, and no stack trace', (runs) => {
    const r = spawnSync(process.execPath, [join(PACKAGE_ROOT, 'dist/bench/startup.js')], {
      env: { ...process.env, BENCH_RUNS: runs },
      encoding: 'utf8',
    })
    expect(r.status).toBe(2)
    expect(r.stderr).toContain(`BENCH_RUNS=${runs}: each figure is a median with its min and max over at least 5 runs`)
    expect(r.stderr).toContain('set BENCH_RUNS to 5 or more')
    expect(r.stderr).not.toMatch(/\n\s+at /)
    expect(r.stdout).toBe('')
  })
})
