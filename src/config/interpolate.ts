/**
 * Environment interpolation in configuration strings: `${VAR}`, `${VAR:-default}` (the default applies when
 * VAR is unset or empty, as in the shell, and may itself hold `${…}`) and `$$` for a literal `$`. A `$`
 * followed by anything else is left alone, so shell commands keep `$1`, `$HOME` and `$(…)` for the shell
 * that runs them.
 */

export type Env = Readonly<Record<string, string | undefined>>

/** On failure, `error` has a `{got}` placeholder for `got`, filled in (or masked) by format-issues.ts. */
export type Interpolated = { ok: true; value: string; changed: boolean } | { ok: false; error: string; got: string | undefined }

const NAME = /^[A-Za-z_][A-Za-z0-9_]*$/

export function interpolate(text: string, env: Env): Interpolated {
  if (!text.includes('$')) return { ok: true, value: text, changed: false }
  let out = ''
  let i = 0
  while (i < text.length) {
    const dollar = text.indexOf('$', i)
    if (dollar < 0) {
      out += text.slice(i)
      break
    }
    out += text.slice(i, dollar)
    const next = text[dollar + 1]
    if (next === '$') {
      out += '$'
      i = dollar + 2
      continue
    }
    if (next !== '{') {
      out += '$'
      i = dollar + 1
      continue
    }
    const close = matchingBrace(text, dollar + 2)
    if (close < 0) {
      return { ok: false, error: 'expected "}" to close "${", got {got}; write $$ for a literal $', got: text.slice(dollar) }
    }
    const inner = text.slice(dollar + 2, close)
    const sep = inner.indexOf(':-')
    const name = sep < 0 ? inner : inner.slice(0, sep)
    if (!NAME.test(name)) {
      return {
        ok: false,
        error: 'expected ${NAME} or ${NAME:-default} with NAME a variable name, got {got}; write $$ for a literal $',
        got: text.slice(dollar, close + 1),
      }
    }
    const value = env[name]
    if (sep >= 0 && (value === undefined || value === '')) {
      const fallback = interpolate(inner.slice(sep + 2), env)
      if (!fallback.ok) return fallback
      out += fallback.value
    } else if (value !== undefined) {
      out += value
    } else {
      return {
        ok: false,
        error: `environment variable ${name} is not set; expected it set, or a default as in \${${name}:-value}`,
        got: undefined,
      }
    }
    i = close + 1
  }
  return { ok: true, value: out, changed: out !== text }
}

/** Index of the `}` closing a `${` whose body starts at `from`, counting nested `${…}`; -1 if none. */
function matchingBrace(text: string, from: number): number {
  let depth = 0
  for (let i = from; i < text.length; i++) {
    const c = text[i]
    if (c === '$' && text[i + 1] === '$') i++
    else if (c === '$' && text[i + 1] === '{') {
      depth++
      i++
    } else if (c === '}') {
      if (depth === 0) return i
      depth--
    }
  }
  return -1
}
