import { redactDeep } from '../core/redact.js'

/** Prints one JSON document (the --json contract: nothing else on stdout). */
export function printJson(value: unknown): void {
  process.stdout.write(`${JSON.stringify(redactDeep(value), null, 2)}\n`)
}

export function println(line = ''): void {
  process.stdout.write(`${line}\n`)
}

/** The columns human output keeps to, where a line can be folded. */
export const WIDTH = 120

/**
 * Folds `text` at spaces into lines of at most `width` characters (a longer word stays whole); lines after
 * the first are preceded by `indent`, which the width does not count.
 */
export function wrap(text: string, width = WIDTH, indent = ''): string {
  const lines: string[] = []
  let line = ''
  for (const word of text.split(' ')) {
    if (line && line.length + 1 + word.length > width) {
      lines.push(line)
      line = word
    } else line = line ? `${line} ${word}` : word
  }
  lines.push(line)
  return lines.join(`\n${indent}`)
}

/**
 * A plain aligned table; the last column is never padded. With `width`, a last cell that would pass it is
 * folded onto lines of its own, indented to its column.
 */
export function table(headers: string[], rows: string[][], width?: number): string {
  const all = [headers, ...rows]
  // A loop, not Math.max(...column): spreading a column of 200,000 rows (`audit log`) overflows the stack.
  const widths = headers.map((_, i) => all.reduce((w, r) => Math.max(w, (r[i] ?? '').length), 0))
  const lastStart = widths.slice(0, -1).reduce((sum, w) => sum + w + 2, 0)
  const fold = (cell: string) => (width && width - lastStart >= 20 ? wrap(cell, width - lastStart, ' '.repeat(lastStart)) : cell)
  return all
    .map((r) =>
      r
        .map((cell, i) => (i === r.length - 1 ? fold(cell) : cell.padEnd(widths[i]!)))
        .join('  ')
        .trimEnd(),
    )
    .join('\n')
}

export function formatMs(ms: number): string {
  if (ms < 1000) return `${ms} ms`
  if (ms < 60_000) return `${(ms / 1000).toFixed(2)} s`
  return `${Math.floor(ms / 60_000)} min ${Math.round((ms % 60_000) / 1000)} s`
}

export function formatBytes(n: number): string {
  const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB']
  let v = n
  let i = 0
  while (v >= 1024 && i < units.length - 1) {
    v /= 1024
    i++
  }
  return i === 0 ? `${n} B` : `${v.toFixed(1)} ${units[i]}`
}
