import { request as httpRequest } from 'node:http'
import { request as httpsRequest } from 'node:https'

export interface Answer {
  status: number
  headers: Record<string, string | string[] | undefined>
  body: string
  json: () => any
}

/**
 * One HTTP(S) request, as fetch cannot make it: from a chosen loopback address (to be another client to a rate
 * limit), trusting a test CA, never following a redirect, the raw Set-Cookie headers kept.
 */
export function call(
  url: string,
  o: { method?: string; headers?: Record<string, string>; body?: unknown; form?: Record<string, string>; from?: string; ca?: string } = {},
): Promise<Answer> {
  const u = new URL(url)
  const body = o.form ? new URLSearchParams(o.form).toString() : o.body === undefined ? undefined : JSON.stringify(o.body)
  const headers: Record<string, string> = {
    ...(o.form
      ? { 'content-type': 'application/x-www-form-urlencoded' }
      : o.body === undefined
        ? {}
        : { 'content-type': 'application/json' }),
    ...o.headers,
  }
  const send = u.protocol === 'https:' ? httpsRequest : httpRequest
  return new Promise((resolve, reject) => {
    const req = send(
      u,
      {
        method: o.method ?? (body === undefined ? 'GET' : 'POST'),
        headers,
        ...(o.from ? { localAddress: o.from } : {}),
        ...(o.ca ? { ca: o.ca } : {}),
      },
      (res) => {
        let text = ''
        res.setEncoding('utf8')
        res.on('data', (d) => (text += d))
        res.on('end', () => resolve({ status: res.statusCode!, headers: res.headers, body: text, json: () => JSON.parse(text) }))
      },
    )
    req.on('error', reject)
    req.end(body)
  })
}

/** The `name=value` of each Set-Cookie, to send back as a Cookie header. */
export function cookiesOf(a: Answer): Record<string, string> {
  const set = [a.headers['set-cookie'] ?? []].flat()
  return Object.fromEntries(set.map((c) => c.split(';')[0]!.split('=')).map(([k, ...v]) => [k!, v.join('=')]))
}

export const cookieHeader = (cookies: Record<string, string>): string =>
  Object.entries(cookies)
    .filter(([, v]) => v !== '')
    .map(([k, v]) => `${k}=${v}`)
    .join('; ')
