import type { FastifyReply, FastifyRequest } from 'fastify'
import type { ServiceLogOptions } from '../core/logger.js'

/**
 * How the server's log lines show a request, a reply and an error: what a person tracing a request needs and
 * nothing a request carries as a credential. No header is written (Authorization and Cookie least of all), and
 * the paths below keep them out should a header ever be logged.
 */
export const REQUEST_LOG: ServiceLogOptions = {
  redactPaths: ['req.headers.authorization', 'req.headers.cookie', 'res.headers["set-cookie"]'],
  serializers: {
    req: (value) => {
      const r = value as FastifyRequest
      return { method: r.method, url: maskedQuery(r.url), remoteAddress: r.ip }
    },
    res: (value) => ({ statusCode: (value as FastifyReply).statusCode }),
    err: (value) => (value instanceof Error ? { type: value.name, message: value.message } : value),
  },
}

/** Query values that are credentials (an OIDC callback's code and state, a token someone put in a URL) are not written. */
const CREDENTIAL_PARAM = /([?&](?:code|state|session_state|[\w-]*token|[\w-]*secret|password)=)[^&#]*/gi

export function maskedQuery(url: string): string {
  return url.replace(CREDENTIAL_PARAM, '$1***')
}
