import { type AddressObject, simpleParser } from 'mailparser'
import { SMTPServer } from 'smtp-server'

export interface ReceivedMail {
  /** Envelope recipients (RCPT TO), as the server accepted them. */
  rcptTo: string[]
  mailFrom: string
  subject: string
  text: string
  /** The To: header's addresses. */
  to: string[]
  from: string
  /** The login used, when the client authenticated. */
  user?: string
}

/**
 * A real SMTP server on loopback (smtp-server), parsing what it receives with mailparser. Plain text (no
 * STARTTLS: the test has no certificate to trust) with a required login. `refuse` scripts the next replies
 * to RCPT TO, such as a 451 greylisting or a 550 unknown user.
 */
export class SmtpReceiver {
  readonly mails: ReceivedMail[] = []
  private readonly refusals: Array<{ code: number; message: string }> = []
  private echoLogins = 0
  rcptAttempts = 0

  private constructor(
    private readonly server: SMTPServer,
    readonly port: number,
  ) {}

  static async start(login: { user: string; password: string }): Promise<SmtpReceiver> {
    // eslint-disable-next-line prefer-const -- assigned once the server it is read from exists
    let receiver: SmtpReceiver | undefined
    const server = new SMTPServer({
      disabledCommands: ['STARTTLS'],
      allowInsecureAuth: true,
      authMethods: ['PLAIN', 'LOGIN'],
      logger: false,
      onAuth(auth, _session, callback) {
        if (receiver!.echoLogins > 0) {
          receiver!.echoLogins--
          const plain = Buffer.from(`\0${auth.username}\0${auth.password ?? ''}`).toString('base64')
          const echo = `Login ${auth.username}/${auth.password ?? ''} (${plain}) refused`
          return callback(Object.assign(new Error(echo), { responseCode: 535 }))
        }
        if (auth.username === login.user && auth.password === login.password) return callback(null, { user: auth.username })
        callback(Object.assign(new Error('Authentication failed'), { responseCode: 535 }))
      },
      onRcptTo(_address, _session, callback) {
        receiver!.rcptAttempts++
        const refusal = receiver!.refusals.shift()
        if (refusal) return callback(Object.assign(new Error(refusal.message), { responseCode: refusal.code }))
        callback()
      },
      onData(stream, session, callback) {
        simpleParser(stream, (err, mail) => {
          if (err) return callback(err)
          receiver!.mails.push({
            rcptTo: session.envelope.rcptTo.map((a) => a.address),
            mailFrom: session.envelope.mailFrom ? session.envelope.mailFrom.address : '',
            subject: mail.subject ?? '',
            text: mail.text ?? '',
            to: addresses(mail.to),
            from: addresses(mail.from)[0] ?? '',
            ...(typeof session.user === 'string' ? { user: session.user } : {}),
          })
          callback()
        })
      },
    })
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()))
    receiver = new SmtpReceiver(server, (server.server.address() as { port: number }).port)
    return receiver
  }

  /** The next `times` RCPT TO commands are answered with this reply. */
  refuse(code: number, message: string, times = 1): void {
    for (let i = 0; i < times; i++) this.refusals.push({ code, message })
  }

  /** The next `times` logins are refused (535) with a reply that repeats the password, plain and as AUTH PLAIN. */
  echoLogin(times = 1): void {
    this.echoLogins += times
  }

  close(): Promise<void> {
    return new Promise((resolve) => this.server.close(() => resolve()))
  }
}

function addresses(field: AddressObject | AddressObject[] | undefined): string[] {
  const list = Array.isArray(field) ? field : field ? [field] : []
  return list.flatMap((a) => a.value.map((v) => v.address ?? ''))
}
