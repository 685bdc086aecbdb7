import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { parse, parseDocument } from 'yaml'
import { interpolate } from '../../src/config/interpolate.js'
import { interpolateDocument } from '../../src/config/interpolate-document.js'
import { parseConfigText } from '../../src/config/parse-config-text.js'
import { loadConfig } from '../../src/config/load-config.js'
import { loadError, MINIMAL, writeConfig } from './temp-config.js'

describe('interpolate', () => {
  const env = { HOST: 'db.internal', EMPTY: '', PORT: '5432' }
  const ok = (text: string) => {
    const out = interpolate(text, env)
    if (!out.ok) throw new Error(out.error)
    return out.value
  }

  it('replaces ${VAR}, uses :- defaults when unset or empty, and reads $$ as $', () => {
    expect(ok('${HOST}:${PORT}')).toBe('db.internal:5432')
    expect(ok('${MISSING:-localhost}')).toBe('localhost')
    expect(ok('${EMPTY:-fallback}')).toBe('fallback')
    expect(ok('${EMPTY}')).toBe('')
    expect(ok('${MISSING:-}')).toBe('')
    expect(ok('costs $$5')).toBe('costs $5')
    expect(ok('$${HOST}')).toBe('${HOST}')
    expect(ok('${MISSING:-${HOST}}')).toBe('db.internal')
    expect(ok('${MISSING:-a:-b}')).toBe('a:-b')
  })

  it('leaves other $ for the shell', () => {
    expect(ok('kill -HUP $(cat app.pid) && echo $1 $HOME $')).toBe('kill -HUP $(cat app.pid) && echo $1 $HOME $')
  })

  it('fails on an unset variable without default, an unclosed or a malformed reference', () => {
    expect(interpolate('${NOPE}', env)).toEqual({
      ok: false,
      error: 'environment variable NOPE is not set; expected it set, or a default as in ${NOPE:-value}',
      got: undefined,
    })
    expect(interpolate('x ${HOST', env)).toMatchObject({ ok: false, got: '${HOST' })
    expect(interpolate('${1X}', env)).toMatchObject({ ok: false, got: '${1X}' })
    expect(interpolate('${}', env)).toMatchObject({ ok: false, got: '${}' })
  })
})

describe('interpolation in lastgood.yaml', () => {
  const text = `version: 1
platform: \${PLATFORM:-clinic}
state_dir: "\${STATE:-state}"
apps:
  staff:
    description: "\${DESCRIPTION}"
    priority: \${STAFF_PRIORITY:-1}
    health:
      checks:
        - name: api
          url: http://\${HOST:-127.0.0.1}:\${PORT:-4101}/health
    components:
      release:
        provider: command
        current: echo "$$VERSION" $1
        capture: cat state.json
        restore: cat > state.json
        env:
          PORT: \${PORT:-4101}
`

  it('applies to every string value, before validation', async () => {
    const file = await writeConfig(text)
    const config = await loadConfig(file, { DESCRIPTION: 'Staff', HOST: 'staff.local', STAFF_PRIORITY: '7' })
    const [app] = config.apps
    expect(config.platform).toBe('clinic')
    expect(config.stateDir.endsWith('/state')).toBe(true)
    expect(app).toMatchObject({ description: 'Staff', priority: 7 })
    expect(app!.health.checks[0]!.url).toBe('http://staff.local:4101/health')
    expect(app!.components[0]).toMatchObject({ current: 'echo "$VERSION" $1', env: { PORT: '4101' } })
  })

  it('an unquoted value is read again as YAML (a number stays a number); a quoted one stays a string', () => {
    const quoted = MINIMAL.replace('priority: 1', 'priority: "${STAFF_PRIORITY:-1}"')
    expect(() => parseConfigText(quoted, 'lastgood.yaml', {})).toThrow(
      'lastgood.yaml:5:15: apps.staff.priority: expected an integer >= 1, got "1" (from "${STAFF_PRIORITY:-1}")',
    )
    const plain = MINIMAL.replace('priority: 1', 'priority: ${STAFF_PRIORITY:-1}')
    expect(parseConfigText(plain, 'lastgood.yaml', { STAFF_PRIORITY: '3' }).apps[0]!.priority).toBe(3)
  })

  it('reports every unset variable at once, each at its path', async () => {
    expect((await loadError(text)).split('\n')).toEqual([
      'lastgood.yaml:6:18: apps.staff.description: environment variable DESCRIPTION is not set; expected it set, or a default as in ${DESCRIPTION:-value}',
    ])
    const two = text.replace('${HOST:-127.0.0.1}', '${HOST}')
    expect((await loadError(two)).split('\n')).toEqual([
      'lastgood.yaml:6:18: apps.staff.description: environment variable DESCRIPTION is not set; expected it set, or a default as in ${DESCRIPTION:-value}',
      'lastgood.yaml:11:16: apps.staff.health.checks[0].url: environment variable HOST is not set; expected it set, or a default as in ${HOST:-value}',
    ])
  })

  it('leaves keys alone', async () => {
    const withKey = MINIMAL.replace('  staff:\n', '  ${APP}:\n')
    expect(await loadError(withKey, { APP: 'staff' })).toBe(
      'lastgood.yaml:4:3: apps["${APP}"]: expected a name of lowercase letters, digits and dashes such as staff, got "${APP}"',
    )
  })
})

describe('an interpolated plain value', () => {
  /** What it must read as: the text read as YAML when that is a number or a boolean, else the text itself. */
  const readAs = (text: string): unknown => {
    try {
      const v: unknown = parse(text)
      return typeof v === 'number' || typeof v === 'boolean' ? v : text
    } catch {
      return text
    }
  }
  const interpolated = (text: string): unknown => {
    const doc = parseDocument('v: ${X}')
    interpolateDocument(doc, { X: text })
    return doc.get('v')
  }

  it('reads as YAML would, whatever it is: a number, a boolean, or the text (words are not parsed)', () => {
    const word = fc.stringMatching(/^[A-Za-z][!-~]{0,12}$/)
    // Tags (!x) and directives (%x) are left out: YAML warns about unknown ones on stderr, and neither starts a word.
    const anything = fc.string().filter((t) => !/[!%]/.test(t))
    const near = fc.constantFrom(
      'true',
      'True',
      'FALSE',
      'null',
      'yes',
      'no',
      'on',
      'x: 1',
      'a #b',
      'a:',
      '.inf',
      '-5',
      '0x1F',
      '1e3',
      'nan',
    )
    fc.assert(
      fc.property(fc.oneof(word, near, anything), (text) => Object.is(interpolated(text), readAs(text))),
      { numRuns: 3000 },
    )
  })
})
