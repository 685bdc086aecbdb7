/** Time as ISO-8601 with milliseconds: sortable as text, portable between SQLite and PostgreSQL. */
export function isoNow(): string {
  return new Date().toISOString()
}

/** Short, sortable, readable ids: `<prefix>-20261126-040112-a1b2`. */
export function timeId(prefix: string, at = new Date()): string {
  const stamp = at.toISOString().replace(/[-:]/g, '').replace('T', '-').slice(0, 15)
  const rand = Math.floor(Math.random() * 0x10000)
    .toString(16)
    .padStart(4, '0')
  return `${prefix}-${stamp}-${rand}`
}
