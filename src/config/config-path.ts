/** A location in the configuration, as keys and list indexes: ['apps', 'staff', 'health', 'checks', 0]. */
export type ConfigPath = readonly (string | number)[]

const PLAIN_KEY = /^[A-Za-z0-9_-]+$/

/** `apps.staff.health.checks[0].url`; a key that is not a plain word is quoted: `apps["My App"]`. */
export function formatPath(path: ConfigPath): string {
  let out = ''
  for (const seg of path) {
    if (typeof seg === 'number') out += `[${seg}]`
    else if (PLAIN_KEY.test(seg)) out += out ? `.${seg}` : seg
    else out += `[${JSON.stringify(seg)}]`
  }
  return out
}

export function toConfigPath(path: readonly PropertyKey[]): (string | number)[] {
  return path.map((seg) => (typeof seg === 'number' ? seg : String(seg)))
}

// The key a value sits under says whether it is a secret: `password`, `api_key`, `env.DB_TOKEN`.
const SECRET_KEY = /passw(?:or)?d|passphrase|secret|token|api[_-]?key|authorization|credential|private[_-]?key|cookie/i

/** True when the value at `path` may be a secret and must not be echoed. */
export function isSecretPath(path: ConfigPath): boolean {
  for (let i = path.length - 1; i >= 0; i--) {
    const seg = path[i]
    if (typeof seg === 'string') return SECRET_KEY.test(seg)
  }
  return false
}
