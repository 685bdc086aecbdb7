import { UserError } from '../core/errors.js'
import { registerSecret } from '../core/redact.js'
import { checkPassword } from '../auth/passwords.js'

/**
 * A new password for `user add` and `user passwd`: all of stdin with --password-stdin (one trailing newline
 * dropped, as `echo` adds one), else typed twice on the terminal without echo. Without either it is a usage
 * error, so a script never hangs on a prompt nobody sees. A password that meets the policy is registered as a
 * secret at once (one that does not may be a plain word, which masking would garble every message with).
 */
export async function readNewPassword(opts: { passwordStdin?: boolean }, user: string): Promise<string> {
  const password = opts.passwordStdin ? await readStdin() : await promptTwice(user)
  checkPassword(password, user)
  registerSecret(password)
  return password
}

async function readStdin(): Promise<string> {
  const chunks: Buffer[] = []
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer)
  return Buffer.concat(chunks)
    .toString('utf8')
    .replace(/\r?\n$/, '')
}

async function promptTwice(user: string): Promise<string> {
  if (!process.stdin.isTTY) {
    throw new UserError('no terminal to type the password on: pipe it in with --password-stdin (nothing was changed)')
  }
  const first = await promptHidden(`new password for ${user}: `)
  const second = await promptHidden('again: ')
  if (first !== second) throw new UserError('the two passwords differ; nothing was changed')
  return first
}

/** Reads one line from the terminal in raw mode, echoing nothing. Ctrl-C cancels. */
function promptHidden(prompt: string): Promise<string> {
  const stdin = process.stdin
  process.stderr.write(prompt)
  stdin.setRawMode(true)
  stdin.setEncoding('utf8')
  stdin.resume()
  return new Promise((resolve, reject) => {
    let value = ''
    const finish = (done: () => void) => {
      stdin.off('data', onData)
      stdin.setRawMode(false)
      stdin.pause()
      process.stderr.write('\n')
      done()
    }
    const onData = (chunk: string) => {
      for (const ch of chunk) {
        if (ch === '\r' || ch === '\n') return finish(() => resolve(value))
        if (ch === '\u0003') return finish(() => reject(new UserError('cancelled; nothing was changed')))
        value = ch === '\u007f' || ch === '\b' ? value.slice(0, -1) : value + ch
      }
    }
    stdin.on('data', onData)
  })
}
