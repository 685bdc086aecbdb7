import { writeFile } from 'node:fs/promises'
import path from 'node:path'
import { describe, expect, it } from 'vitest'
import { LineCounter, parseDocument } from 'yaml'
import { ConfigError, MAX_LISTED_ISSUES } from '../../src/config/config-error.js'
import { loadConfig } from '../../src/config/load-config.js'
import { parseConfigText } from '../../src/config/parse-config-text.js'
import { exitCodeOf } from '../../src/core/errors.js'
import { MINIMAL, tempDir } from './temp-config.js'

const KEYS = 50_000

/** MINIMAL with `lines` added under the app staff (4 spaces deep). */
const withAppLines = (lines: string[]) => MINIMAL.replace('    priority: 1\n', `    priority: 1\n${lines.join('')}`)

/** How long `run` takes, and what it threw. */
function timed(run: () => unknown): { ms: number; error: unknown } {
  const started = performance.now()
  let error: unknown
  try {
    run()
  } catch (err) {
    error = err
  }
  return { ms: performance.now() - started, error }
}

/**
 * The bound: one second, widened by the time the YAML library alone takes to read the same text, so a
 * loaded machine does not fail it; quadratic work on 50,000 keys takes minutes, not seconds.
 */
function bound(text: string): number {
  const parse = timed(() => parseDocument(text, { lineCounter: new LineCounter(), uniqueKeys: false }))
  return 1000 + 3 * parse.ms
}

describe('validation stays linear in the input, and lists a bounded number of problems', () => {
  it(`${KEYS} unknown keys are refused within the bound, the first ${MAX_LISTED_ISSUES} listed with their lines`, () => {
    const text = withAppLines(Array.from({ length: KEYS }, (_, i) => `    k${i}: 1\n`))
    const limit = bound(text)
    const { ms, error } = timed(() => parseConfigText(text, 'lastgood.yaml', {}))
    expect(error).toBeInstanceOf(ConfigError)
    expect(exitCodeOf(error)).toBe(2)
    const issues = (error as ConfigError).issues
    expect(issues).toHaveLength(MAX_LISTED_ISSUES + 1)
    expect(issues[0]).toEqual({
      path: 'apps.staff.k0',
      message:
        'unknown key, expected one of: description, priority, health, components, retention, rollback, approvals, triggers, prometheus',
      line: 6,
      column: 5,
    })
    expect(issues[MAX_LISTED_ISSUES - 1]).toMatchObject({ path: `apps.staff.k${MAX_LISTED_ISSUES - 1}`, line: MAX_LISTED_ISSUES + 5 })
    expect(issues.at(-1)).toEqual({ path: '', message: `and ${KEYS - MAX_LISTED_ISSUES} more problems like these, not listed` })
    expect(ms).toBeLessThan(limit)
  })

  it(`${KEYS} repeated keys are YAML errors found in one pass`, () => {
    const text = withAppLines(Array.from({ length: KEYS }, () => '    priority: 1\n'))
    const limit = bound(text)
    const { ms, error } = timed(() => parseConfigText(text, 'lastgood.yaml', {}))
    expect((error as ConfigError).issues[0]).toEqual({
      path: '',
      message: 'YAML syntax error: Map keys must be unique',
      line: 6,
      column: 5,
    })
    expect((error as ConfigError).issues.at(-1)!.message).toBe(`and ${KEYS - MAX_LISTED_ISSUES} more problems like these, not listed`)
    expect(ms).toBeLessThan(limit)
  })
})

describe('a configuration nested thousands of levels deep', () => {
  it('is a located YAML error, not a stack trace', () => {
    const { error } = timed(() => parseConfigText(`${MINIMAL}x: ${'['.repeat(5000)}${']'.repeat(5000)}\n`, 'lastgood.yaml', {}))
    expect(error).toBeInstanceOf(ConfigError)
    expect((error as ConfigError).issues[0]).toMatchObject({
      path: '',
      message: 'YAML syntax error: nested too deeply; expected a configuration a few levels deep',
      line: 14,
    })
  })
})

describe('a configuration file has a size limit, checked while reading', () => {
  it('a device that never ends (/dev/zero) is refused at once, exit 2', async () => {
    const started = performance.now()
    const error = await loadConfig('/dev/zero', {}).catch((err: unknown) => err)
    expect(exitCodeOf(error)).toBe(2)
    expect((error as Error).message).toBe(
      '/dev/zero: larger than 4MiB; expected a configuration file (is --config pointing at a device or a data file?)',
    )
    expect(performance.now() - started).toBeLessThan(2000)
  })

  it('a file one byte over 4 MiB is refused; one at the limit is read', async () => {
    const dir = await tempDir()
    const over = path.join(dir, 'over.yaml')
    const comment = (bytes: number) => `#${'x'.repeat(bytes - 2)}\n`
    await writeFile(over, MINIMAL + comment(4 * 1024 * 1024 + 1 - MINIMAL.length))
    await expect(loadConfig(over, {})).rejects.toThrow(`${over}: larger than 4MiB`)
    const at = path.join(dir, 'at.yaml')
    await writeFile(at, MINIMAL + comment(4 * 1024 * 1024 - MINIMAL.length))
    expect((await loadConfig(at, {})).platform).toBe('clinic')
  })
})
