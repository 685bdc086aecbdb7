import type { ChannelKind, ResolvedChannel } from '../../src/channels/channel-registry.js'

/** Where a channel under test delivers: an HTTP URL, or an SMTP server on loopback. */
export type Target = { url: string } | { host: string; port: number }

export interface ChannelFixture {
  config: (target: Target) => ResolvedChannel
  /** Every secret the config holds, as it could come back in a receiver's echo. */
  secrets: string[]
}

export const SMTP_LOGIN = { user: 'lastgood', password: 'smtp-password-7731' }
const ROUTING_KEY = 'pd-routing-key-0123456789abcdef'
const WEBHOOK_SECRET = 'webhook-secret-0123456789'
const WEBHOOK_TOKEN = 'tok3n-in-query-5b9e1c'
const SLACK_PATH = 'T0001/B0001/slack-secret-path-4f1c'
const PROXY_PASSWORD = 'proxy-pa55word-e2c7'

const url = (t: Target): string => {
  if (!('url' in t)) throw new Error('an HTTP channel needs an HTTP target')
  return t.url
}
const smtp = (t: Target) => {
  if ('url' in t) throw new Error('an SMTP channel needs an SMTP target')
  return t
}

/** A configuration for every channel kind: the Record type makes a kind without one a compile error. */
export const CHANNEL_FIXTURES: Record<ChannelKind, ChannelFixture> = {
  slack: { config: (t) => ({ name: 'it-team', type: 'slack', webhookUrl: `${url(t)}/services/${SLACK_PATH}` }), secrets: [SLACK_PATH] },
  pagerduty: {
    config: (t) => ({
      name: 'on-call',
      type: 'pagerduty',
      routingKey: ROUTING_KEY,
      // Credentials of a proxy in front of the Events API: sent as basic authentication, a secret too.
      url: `${url(t).replace('//', `//proxy:${PROXY_PASSWORD}@`)}/v2/enqueue`,
    }),
    secrets: [ROUTING_KEY, PROXY_PASSWORD, Buffer.from(`proxy:${PROXY_PASSWORD}`).toString('base64')],
  },
  email: {
    config: (t) => ({
      name: 'management',
      type: 'email',
      from: 'lastgood@clinic.example',
      to: ['head@clinic.example'],
      smtp: { ...smtp(t), secure: false, requireTls: false, ...SMTP_LOGIN },
    }),
    secrets: [SMTP_LOGIN.password, Buffer.from(`\0${SMTP_LOGIN.user}\0${SMTP_LOGIN.password}`).toString('base64')],
  },
  webhook: {
    config: (t) => ({ name: 'security', type: 'webhook', url: `${url(t)}/hook?token=${WEBHOOK_TOKEN}`, secret: WEBHOOK_SECRET }),
    secrets: [WEBHOOK_SECRET, WEBHOOK_TOKEN],
  },
}
