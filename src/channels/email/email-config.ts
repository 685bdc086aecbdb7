import { z } from 'zod'
import { expected, intSchema, strictObject, textSchema } from '../../config-parts/schema-helpers.js'
import { isPlaceholderText, isReservedHost } from '../placeholder-text.js'

export const EMAIL = 'email'

export const emailConfigSchema = strictObject({
  type: z.literal(EMAIL).describe('Email through an SMTP server.'),
  from: textSchema('a sender address such as lastgood@clinic.example').describe('Sender address.'),
  to: z
    .array(textSchema('an email address'), { error: expected('a list of email addresses') })
    .min(1, { error: 'expected at least one recipient, got none' })
    .describe('Recipients.'),
  smtp: strictObject({
    host: textSchema('a host name such as smtp.clinic.example').describe('SMTP server.'),
    port: intSchema(1, 65535).default(587).describe('SMTP port: 587 (STARTTLS), 465 (TLS) or 25.'),
    secure: z
      .boolean({ error: expected('true or false') })
      .default(false)
      .describe('TLS from the first byte (port 465); otherwise STARTTLS when offered.'),
    require_tls: z
      .boolean({ error: expected('true or false') })
      .default(false)
      .describe('Refuse to send unless the connection is upgraded to TLS.'),
    user: textSchema('a user name').optional().describe('SMTP user, when the server needs a login.'),
    password: textSchema('a password').optional().describe('SMTP password; a secret: ${SMTP_PASSWORD}.'),
  }).describe('How to reach the SMTP server.'),
})

export interface EmailConfig {
  name: string
  type: typeof EMAIL
  from: string
  to: string[]
  smtp: { host: string; port: number; secure: boolean; requireTls: boolean; user?: string; password?: string }
}

export function resolveEmail(name: string, c: z.output<typeof emailConfigSchema>): EmailConfig {
  return {
    name,
    type: EMAIL,
    from: c.from,
    to: c.to,
    smtp: {
      host: c.smtp.host,
      port: c.smtp.port,
      secure: c.smtp.secure,
      requireTls: c.smtp.require_tls,
      ...(c.smtp.user !== undefined ? { user: c.smtp.user } : {}),
      ...(c.smtp.password !== undefined ? { password: c.smtp.password } : {}),
    },
  }
}

export function emailPlaceholders(c: EmailConfig): string[] {
  return [
    ...(isReservedHost(c.smtp.host) ? [`smtp.host (${c.smtp.host})`] : []),
    ...(c.to.some((to) => isReservedHost(to.split('@').at(-1) ?? '')) ? ['to'] : []),
    ...(c.smtp.password !== undefined && isPlaceholderText(c.smtp.password) ? ['smtp.password'] : []),
  ]
}
