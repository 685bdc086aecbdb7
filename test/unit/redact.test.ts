import { describe, expect, it } from 'vitest'
import { redact, redactDeep, registerSecret } from '../../src/core/redact.js'

describe('redaction (RELIABILITY case 14)', () => {
  it('masks URL credentials, bearer tokens, key=value secrets and registered values', () => {
    registerSecret('my-long-passphrase')
    const text = 'connect https://user:pa55@host:5432/db failed; Authorization: Bearer eyJhbGciOiJIUzI1NiJ9.abc; password=topsecret; phrase my-long-passphrase'
    const out = redact(text)
    for (const s of ['pa55', 'eyJhbGciOiJIUzI1NiJ9', 'topsecret', 'my-long-passphrase']) expect(out).not.toContain(s)
    expect(out).toContain('https://***@host:5432/db')
  })

  it('reaches into nested values', () => {
    expect(redactDeep({ a: ['postgres://u:p@h/d'], b: { token: 'api_key=abcdef123456' } })).toEqual({ a: ['postgres://***@h/d'], b: { token: 'api_key=***' } })
  })
})
