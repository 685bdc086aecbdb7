import { describe, expect, it } from 'vitest'
import { redact, redactDeep, registerEndpoint, registerSecret } from '../../src/core/redact.js'

describe('redaction (RELIABILITY case 14)', () => {
  it('masks URL credentials, bearer tokens, key=value secrets and registered values', () => {
    registerSecret('my-long-passphrase')
    const text =
      'connect https://user:pa55@host:5432/db failed; Authorization: Bearer eyJhbGciOiJIUzI1NiJ9.abc; password=topsecret; phrase my-long-passphrase'
    const out = redact(text)
    for (const s of ['pa55', 'eyJhbGciOiJIUzI1NiJ9', 'topsecret', 'my-long-passphrase']) expect(out).not.toContain(s)
    expect(out).toContain('https://***@host:5432/db')
  })

  it('reaches into nested values', () => {
    expect(redactDeep({ a: ['postgres://u:p@h/d'], b: { token: 'api_key=abcdef123456' } })).toEqual({
      a: ['postgres://***@h/d'],
      b: { token: 'api_key=***' },
    })
  })

  it('masks secret values, not words: a sentence about a passphrase reads as written', () => {
    for (const text of [
      'this repository is protected by a passphrase: set LASTGOOD_PASSWORD',
      'wrong passphrase or key file for repository /srv/repo',
      'the token: expired; ask for a new one',
    ])
      expect(redact(text)).toBe(text)
    expect(redact('password: hunter2 and token=abc and {"secret": "plain"}')).toBe('password: *** and token=*** and {"secret": "***"}')
  })

  it('case 14: masks the secret parts of an endpoint wherever and however they are echoed', () => {
    registerEndpoint('https://hooks.slack.example/services/T0RED123/B0RED456/redactSlackToken99', { pathIsSecret: true })
    registerEndpoint('https://relay:relay%2FPass9@relay.example/in?format=json&token=relayToken42x')
    const echoed = [
      'POST /services/T0RED123/B0RED456/redactSlackToken99 failed',
      '{"url":"https:\\/\\/hooks.slack.example\\/services\\/T0RED123\\/B0RED456\\/redactSlackToken99"}',
      'no such hook redactSlackToken99',
      'GET /in?format=json&token=relayToken42x',
      `authorization: Basic ${Buffer.from('relay:relay/Pass9').toString('base64')}`,
      'password relay/Pass9 rejected, relay%2FPass9',
    ].map(redact)
    for (const s of [
      'redactSlackToken99',
      'T0RED123',
      'relayToken42x',
      'relay/Pass9',
      'relay%2FPass9',
      Buffer.from('relay:relay/Pass9').toString('base64'),
    ]) {
      for (const text of echoed) expect(text).not.toContain(s)
    }
    expect(echoed[0]).toBe('POST /services/*** failed')
    // The plain words of a path or a query are kept: format=json is not a secret.
    expect(echoed[3]).toBe('GET /in?format=json&token=***')
  })
})
