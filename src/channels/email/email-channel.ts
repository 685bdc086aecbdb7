import { createRequire } from 'node:module'
import { connect, type Socket } from 'node:net'
import type Nodemailer from 'nodemailer'
import type { SMTPError } from 'nodemailer/lib/smtp-connection/index.js'
import { redact, registerSecret } from '../../core/redact.js'
import type { Channel, Delivery, Message } from '../message.js'
import { abortedDelivery } from '../post-json.js'
import type { EmailConfig } from './email-config.js'

/**
 * Email through SMTP (nodemailer): subject the message's title, text the whole message. A 4xx reply is a
 * temporary refusal (greylisting, a full queue) and is retried; a 5xx is final (unknown recipient, bad
 * login). A connection that cannot be made is retried.
 *
 * nodemailer's own timeouts are minutes long and closing its transport leaves a connection in progress
 * running, so the channel opens the socket itself and destroys it when the signal fires: an aborted attempt
 * leaves nothing behind.
 */
export function emailChannel(config: EmailConfig): Channel {
  const label = `email ${config.name}`
  return {
    name: config.name,
    type: config.type,
    async send(m: Message, signal: AbortSignal): Promise<Delivery> {
      // Loaded by the first mail sent, not by every command whose configuration has an email channel;
      // required, as CommonJS, so that the command line's bundle holds no import() (bin/load-cli.cjs).
      const nodemailer = createRequire(import.meta.url)('nodemailer') as typeof Nodemailer
      if (signal.aborted) return abortedDelivery(label, signal)
      const sockets: Socket[] = []
      const { host, port, secure, requireTls, user, password } = config.smtp
      const transport = nodemailer.createTransport({
        host,
        port,
        secure,
        requireTLS: requireTls,
        ...(user ? { auth: { user, pass: password ?? '' } } : {}),
        getSocket: (_opts: unknown, done: (err: Error | null, socketOptions?: { connection: Socket }) => void) => {
          const socket = connect({ host, port })
          sockets.push(socket)
          let connected = false
          socket.once('connect', () => {
            connected = true
            done(null, { connection: socket })
          })
          // Once connected, nodemailer reports the socket's errors; this listener only keeps a late error
          // from being unhandled.
          socket.on('error', (err) => {
            if (!connected) done(err)
          })
        },
      })
      return new Promise<Delivery>((resolve) => {
        let settled = false
        const finish = (d: Delivery) => {
          if (settled) return
          settled = true
          signal.removeEventListener('abort', onAbort)
          for (const s of sockets) s.destroy()
          transport.close()
          resolve(d)
        }
        const onAbort = () => finish(abortedDelivery(label, signal))
        signal.addEventListener('abort', onAbort, { once: true })
        transport.sendMail({ from: config.from, to: config.to, subject: m.title, text: m.text }).then(
          (info) =>
            finish({
              ok: true,
              retryable: false,
              status: replyCode(info.response),
              detail: redact(
                `${label}: ${info.response}${info.rejected.length > 0 ? `; refused: ${info.rejected.map(String).join(', ')}` : ''}`,
              ),
            }),
          (err: SMTPError) => finish(smtpFailure(label, err)),
        )
      })
    },
  }
}

/** The SMTP password, also as an AUTH PLAIN or LOGIN exchange carries it (base64), should a server echo it. */
export function emailSecrets(config: EmailConfig): void {
  const { user, password } = config.smtp
  if (!password) return
  registerSecret(password)
  registerSecret(Buffer.from(password).toString('base64'))
  registerSecret(Buffer.from(`\0${user ?? ''}\0${password}`).toString('base64'))
}

const FINAL_ERRORS = ['EAUTH', 'ETLS', 'EENVELOPE', 'EMESSAGE']

function smtpFailure(label: string, err: SMTPError): Delivery {
  const code = err.responseCode
  // Without a reply code, a failed, dropped or timed-out connection may go through next time; a TLS or
  // login problem is the configuration's and will not.
  const retryable = code === undefined ? !FINAL_ERRORS.includes(err.code ?? '') : code >= 400 && code < 500
  return {
    ok: false,
    retryable,
    ...(code !== undefined ? { status: code } : {}),
    detail: redact(`${label}: ${err.response ?? err.code ?? err.message}`),
  }
}

function replyCode(response: string): number | undefined {
  const code = Number(/^\d{3}/.exec(response)?.[0])
  return Number.isFinite(code) ? code : undefined
}
