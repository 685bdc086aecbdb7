import { afterAll, beforeAll } from 'vitest'
import { BlackHole, HttpReceiver } from '../helpers/receivers.js'
import { SmtpReceiver } from '../helpers/smtp-receiver.js'

export interface ChannelReceivers {
  http: HttpReceiver
  smtp: SmtpReceiver
  hole: BlackHole
}

/**
 * The receivers a channel test file sends to: HTTP, SMTP (accepting `login`) and a black hole that never
 * answers, started before the file's tests and closed after them. Read the fields inside tests and hooks.
 */
export function channelReceivers(login: { user: string; password: string }): ChannelReceivers {
  const rx = {} as ChannelReceivers
  beforeAll(async () => {
    rx.http = await HttpReceiver.start()
    rx.smtp = await SmtpReceiver.start(login)
    rx.hole = await BlackHole.start()
  })
  afterAll(async () => {
    await rx.http.close()
    await rx.smtp.close()
    await rx.hole.close()
  })
  return rx
}
