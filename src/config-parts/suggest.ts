/**
 * The known word closest to a typo, for "did you mean" hints. Case, `_` and `-` are ignored before
 * comparing, so `keepLast` and `keep-last` both find `keep_last`.
 */
export function closest(word: string, known: readonly string[]): string | undefined {
  const norm = (s: string) => s.toLowerCase().replace(/[_-]/g, '')
  const w = norm(word)
  let best: { key: string; distance: number } | undefined
  for (const key of known) {
    const distance = levenshtein(w, norm(key))
    if (!best || distance < best.distance) best = { key, distance }
  }
  if (!best) return undefined
  // About one edit in three characters: `helth` → `health`, but `colour` is not `url`.
  const allowed = Math.max(1, Math.floor(Math.max(w.length, best.key.length) / 3))
  return best.distance <= allowed ? best.key : undefined
}

function levenshtein(a: string, b: string): number {
  let prev = Array.from({ length: b.length + 1 }, (_, i) => i)
  for (let i = 1; i <= a.length; i++) {
    const row = [i]
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1
      row.push(Math.min(prev[j]! + 1, row[j - 1]! + 1, prev[j - 1]! + cost))
    }
    prev = row
  }
  return prev[b.length]!
}
