/** JSON with object keys sorted, so the same value always hashes the same, whatever built it. */
export function canonicalJson(value: unknown): string {
  return JSON.stringify(sortKeys(value))
}

/** A copy of the value whose objects list their keys sorted: what canonicalJson stringifies. */
export function sortKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortKeys)
  if (value && typeof value === 'object') {
    const out: Record<string, unknown> = {}
    for (const key of Object.keys(value).sort()) {
      const v = (value as Record<string, unknown>)[key]
      if (v !== undefined) out[key] = sortKeys(v)
    }
    return out
  }
  return value
}
