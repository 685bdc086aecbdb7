import { execFileSync } from 'node:child_process'
import { readFile } from 'node:fs/promises'
import { request } from 'node:https'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { SamplePlatform } from '../../src/demo/sample-platform.js'
import { singleAppConfig } from '../helpers/configs.js'
import { ServeProcess } from './serve-process.js'

let p: SamplePlatform

beforeAll(async () => {
  p = await SamplePlatform.create({ configText: singleAppConfig() })
  expect((await p.cli(['init'])).code).toBe(0)
  // A self-signed certificate for 127.0.0.1, made afresh for this run; clients trust it as their CA.
  execFileSync(
    'openssl',
    [
      'req',
      '-x509',
      '-newkey',
      'ec',
      '-pkeyopt',
      'ec_paramgen_curve:prime256v1',
      '-nodes',
      '-days',
      '1',
      '-subj',
      '/CN=lastgood test',
      '-addext',
      'subjectAltName=IP:127.0.0.1',
      '-keyout',
      join(p.dir, 'key.pem'),
      '-out',
      join(p.dir, 'cert.pem'),
    ],
    { stdio: 'ignore' },
  )
})

afterAll(async () => {
  await p?.destroy()
})

function httpsGet(url: string, ca: Buffer): Promise<{ status: number; body: string }> {
  return new Promise((ok, fail) => {
    request(url, { ca }, (res) => {
      let body = ''
      res.on('data', (d) => (body += d))
      res.on('end', () => ok({ status: res.statusCode!, body }))
    })
      .on('error', fail)
      .end()
  })
}

describe('lastgood serve options', () => {
  it('serves HTTPS with --tls-cert and --tls-key, trusted by a client that has the certificate as its CA', async () => {
    const s = await ServeProcess.start(p, ['--tls-cert', join(p.dir, 'cert.pem'), '--tls-key', join(p.dir, 'key.pem')])
    try {
      expect(s.url).toMatch(/^https:\/\/127\.0\.0\.1:\d+$/)
      const res = await httpsGet(`${s.url}/healthz`, await readFile(join(p.dir, 'cert.pem')))
      expect(res).toEqual({ status: 200, body: '{"status":"ok"}' })
      // A client that does not trust it refuses the connection.
      await expect(httpsGet(`${s.url}/healthz`, Buffer.from(''))).rejects.toThrow()
    } finally {
      expect(await s.stop('SIGINT')).toMatchObject({ code: 0 })
    }
  })

  it('prints where it serves as one JSON document with --json', async () => {
    const s = await ServeProcess.start(p, ['--json'])
    try {
      const doc = JSON.parse(s.stdout)
      expect(doc.serving).toEqual({ url: s.url, host: '127.0.0.1', port: expect.any(Number) })
      expect(s.url.endsWith(`:${doc.serving.port}`)).toBe(true)
    } finally {
      await s.stop()
    }
  })

  it.each([
    [['--port', '70000'], /--port 70000: give a port number from 0 to 65535/],
    [['--port', 'http'], /--port http: give a port number/],
    [['--tls-cert', 'missing-cert.pem', '--tls-key', 'key.pem'], /--tls-cert missing-cert\.pem: no such file/],
    [['--tls-cert', 'cert.pem'], /--tls-cert needs --tls-key too/],
    [['--tls-key', 'key.pem'], /--tls-key needs --tls-cert too/],
    [['--tls-cert', 'lastgood.yaml', '--tls-key', 'key.pem'], /--tls-cert lastgood\.yaml with --tls-key key\.pem: .*PEM certificate/],
    [['--host', '203.0.113.9'], /--host 203\.0\.113\.9: not an address of this machine/],
  ])('exits 2 naming the option for serve %j', async (args, message) => {
    const r = await p.cli(['serve', '--port', '0', ...args])
    expect(r.code, r.stderr).toBe(2)
    expect(r.stderr).toMatch(message)
  })

  it('exits 2 naming --port when the port is taken', async () => {
    const s = await ServeProcess.start(p)
    try {
      const port = new URL(s.url).port
      const r = await p.cli(['serve', '--port', port])
      expect(r.code, r.stderr).toBe(2)
      expect(r.stderr).toMatch(new RegExp(`--port ${port}: the port is in use`))
    } finally {
      await s.stop()
    }
  })
})
