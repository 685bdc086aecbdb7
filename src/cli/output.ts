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
 * A plain aligned table that keeps to `width` columns; the last column is never padded. A last cell that
 * would pass the width is folded onto lines of its own, indented to its column. When even the columns
 * before it do not fit, the trailing columns that do not leave each row for a line of their own below it
 * (`  HEADER: value; HEADER: value`), so that no line is wider than `width` unless a single word is.
 */
export function table(headers: string[], rows: string[][], width = WIDTH): string {
  const all = [headers, ...rows]
  // A loop, not Math.max(...column): spreading a column of 200,000 rows (`audit log`) overflows the stack.
  const widths = headers.map((_, i) => all.reduce((w, r) => Math.max(w, (r[i] ?? '').length), 0))
  const starts = widths.map((_, i) => widths.slice(0, i).reduce((sum, w) => sum + w + 2, 0))
  const lastFolds = (i: number) => width - starts[i]! >= 20
  const fitsWhole = (i: number) => starts[i]! + widths[i]! <= width
  // How many columns stay on the row: all when the last one fits, folded or not; else those that fit whole.
  let inline = headers.length
  if (!fitsWhole(inline - 1) && !lastFolds(inline - 1)) while (inline > 1 && !fitsWhole(inline - 1)) inline--
  const last = inline - 1
  const fold = (cell: string) => (lastFolds(last) ? wrap(cell, width - starts[last]!, ' '.repeat(starts[last]!)) : cell)
  const below = (r: string[]) => {
    const moved = headers.flatMap((h, i) => (i >= inline && r[i] ? [`${h || 'NOTE'}: ${r[i]}`] : []))
    return moved.length ? `\n  ${wrap(moved.join('; '), width - 2, '  ')}` : ''
  }
  return all
    .map((r, n) => {
      const row = r
        .slice(0, inline)
        .map((cell, i) => (i === last ? (inline === headers.length ? fold(cell) : cell) : cell.padEnd(widths[i]!)))
        .join('  ')
        .trimEnd()
      return n === 0 ? row : row + below(r)
    })
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
