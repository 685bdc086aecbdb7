/**
 * Environment interpolation in configuration strings: `${VAR}`, `${VAR:-default}` (the default applies when
 * VAR is unset or empty, as in the shell) and `$$` for a literal `$`. A `$` followed by anything else is left
 * alone, so shell commands keep `$1`, `$HOME` and `$(…)` for the shell that runs them.
 */

export type Env = Readonly<Record<string, string | undefined>>

/** On failure, `error` has a `{got}` placeholder for `got`, filled in (or masked) by format-issues.ts. */
export type Interpolated =
  | { ok: true; value: string; changed: boolean }
  | { ok: false; error: string; got: string | undefined }

const REFERENCE = /^([A-Za-z_][A-Za-z0-9_]*)(?::-(.*))?$/s

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
    const close = text.indexOf('}', dollar + 2)
    if (close < 0) {
      return { ok: false, error: 'expected "}" to close "${", got {got}; write $$ for a literal $', got: text.slice(dollar) }
    }
    const inner = text.slice(dollar + 2, close)
    const m = REFERENCE.exec(inner)
    if (!m) {
      return {
        ok: false,
        error: 'expected ${NAME} or ${NAME:-default} with NAME a variable name, got {got}; write $$ for a literal $',
        got: text.slice(dollar, close + 1),
      }
    }
    const [, name, fallback] = m as unknown as [string, string, string | undefined]
    const value = env[name]
    if (fallback !== undefined && (value === undefined || value === '')) out += fallback
    else if (value !== undefined) out += value
    else {
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
