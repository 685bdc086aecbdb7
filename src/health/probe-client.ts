import { type IncomingMessage, request as httpRequest } from 'node:http'
import { request as httpsRequest } from 'node:https'
import type { Readable } from 'node:stream'
import { createBrotliDecompress, createGunzip, createInflate } from 'node:zlib'

export interface ProbeRequest {
  method?: 'GET' | 'HEAD'
  headers?: Record<string, string>
  /** Ends the request (and its connection) when it fires; the promise rejects with the signal's abort. */
  signal: AbortSignal
  /** Bytes of the body to read; 0 (the default) reads none and closes the connection once the status is in. */
  bodyLimit?: number
}

export interface ProbeResponse {
  status: number
  statusText: string
  /** The body decoded as UTF-8, at most bodyLimit bytes of it. */
  body: string
  /** False when the body went on past bodyLimit (and was cut there). */
  complete: boolean
}

/**
 * One HTTP(S) request of a health check or a metric source, on node:http and node:https rather than fetch:
 * fetch follows the browser's rules, and refuses the "bad ports" (6000, 6666, 10080, …) on which a service
 * may well listen. Like the fetch it replaces: redirects are not followed (a 3xx is the answer), TLS
 * certificates are verified against Node's CAs (NODE_EXTRA_CA_CERTS included), a gzip, deflate or br body
 * is decoded, and `user:password@` in the URL is sent as basic authentication rather than refused.
 * One connection per request (no keep-alive pool), so nothing stays open after it.
 *
 * Rejects with the socket's or TLS's error, whose `code` says what went wrong (ECONNREFUSED,
 * CERT_HAS_EXPIRED, …), or with an AbortError when the signal fires.
 */
export function probeRequest(url: string | URL, req: ProbeRequest): Promise<ProbeResponse> {
  return new Promise((resolve, reject) => {
    const target = new URL(url)
    const send = target.protocol === 'https:' ? httpsRequest : target.protocol === 'http:' ? httpRequest : undefined
    if (!send) throw new Error(`expected an http(s) URL, got ${target.protocol}`)
    const limit = req.bodyLimit ?? 0
    const request = send(
      target,
      {
        method: req.method ?? 'GET',
        agent: false,
        signal: req.signal,
        headers: { accept: '*/*', 'user-agent': 'lastgood', ...req.headers },
      },
      (res) => {
        const answer = { status: res.statusCode ?? 0, statusText: res.statusMessage ?? '' }
        if (limit === 0) {
          res.destroy()
          return resolve({ ...answer, body: '', complete: true })
        }
        const chunks: Buffer[] = []
        let size = 0
        const body = decoded(res)
        body.on('data', (chunk: Buffer) => {
          chunks.push(chunk)
          size += chunk.length
          if (size < limit) return
          res.destroy()
          resolve({ ...answer, body: Buffer.concat(chunks).subarray(0, limit).toString('utf8'), complete: false })
        })
        body.on('end', () => resolve({ ...answer, body: Buffer.concat(chunks).toString('utf8'), complete: true }))
        body.on('error', reject)
        res.on('error', reject)
      },
    )
    request.on('error', reject)
    request.end()
  })
}

/** The body as sent, or decompressed when the server compressed it (fetch did so without being asked). */
function decoded(res: IncomingMessage): Readable {
  const encoding = String(res.headers['content-encoding'] ?? '')
    .trim()
    .toLowerCase()
  const decoder =
    encoding === 'gzip' || encoding === 'x-gzip'
      ? createGunzip()
      : encoding === 'deflate'
        ? createInflate()
        : encoding === 'br'
          ? createBrotliDecompress()
          : undefined
  if (!decoder) return res
  res.on('error', (err) => decoder.destroy(err))
  return res.pipe(decoder)
}
