/**
 * Starts and stops a detached sample app the way a service manager would, so that a local-release
 * component's `restart:` command can bring a fresh process up in drills:
 *
 *   node sample-app-ctl.js restart --root DIR --port N --name NAME --pid-file FILE [--log FILE]
 *   node sample-app-ctl.js stop --pid-file FILE
 *
 * restart exits 0 once the new process accepts connections, 1 with a message when it did not come up.
 */
import { spawn } from 'node:child_process'
import { closeSync, openSync } from 'node:fs'
import { readFile, unlink } from 'node:fs/promises'
import { connect } from 'node:net'
import { dirname, join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import { parseArgs } from 'node:util'
import { processAlive } from '../core/process-alive.js'
import { messageOf } from '../core/errors.js'

const SAMPLE_APP = join(dirname(fileURLToPath(import.meta.url)), 'sample-app.js')
const STOP_GRACE_MS = 5_000
const START_TIMEOUT_MS = 10_000
const POLL_MS = 50

const USAGE =
  'usage: sample-app-ctl restart --root DIR --port N --name NAME --pid-file FILE [--log FILE]\n' +
  '       sample-app-ctl stop --pid-file FILE\n'

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms))

async function readPid(pidFile: string): Promise<number | null> {
  const text = await readFile(pidFile, 'utf8').catch(() => '')
  const pid = Number(text.trim())
  return Number.isInteger(pid) && pid > 0 ? pid : null
}

/**
 * A zombie (killed, not yet reaped by a parent that may never reap it, as in containers whose init does
 * not) still answers kill(pid, 0) but is gone for every purpose here.
 */
async function isRunning(pid: number): Promise<boolean> {
  if (!processAlive(pid)) return false
  const stat = await readFile(`/proc/${pid}/stat`, 'utf8').catch(() => null)
  return stat === null || stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3) !== 'Z'
}

/**
 * A stale pid file may name a pid the system has since given to another process; only a sample app is
 * ours to kill. Elsewhere than on Linux there is no /proc to ask, and the pid file is trusted.
 */
async function isSampleApp(pid: number): Promise<boolean> {
  if (process.platform !== 'linux') return true
  const cmdline = await readFile(`/proc/${pid}/cmdline`, 'utf8').catch(() => '')
  return cmdline.split('\0').some((arg) => arg.endsWith('sample-app.js'))
}

async function waitForExit(pid: number, ms: number): Promise<boolean> {
  for (const deadline = Date.now() + ms; Date.now() < deadline; await sleep(POLL_MS)) if (!(await isRunning(pid))) return true
  return !(await isRunning(pid))
}

async function stop(pidFile: string): Promise<void> {
  const pid = await readPid(pidFile)
  if (pid !== null && (await isRunning(pid)) && (await isSampleApp(pid))) {
    process.kill(pid, 'SIGTERM')
    if (!(await waitForExit(pid, STOP_GRACE_MS))) {
      process.kill(pid, 'SIGKILL')
      if (!(await waitForExit(pid, STOP_GRACE_MS))) throw new Error(`sample app ${pid} survived SIGKILL`)
    }
  }
  // A clean exit removes the file itself; a killed or crashed process leaves it behind.
  await unlink(pidFile).catch(() => undefined)
}

function accepts(port: number): Promise<boolean> {
  return new Promise((ok) => {
    const socket = connect({ host: '127.0.0.1', port })
    socket.once('connect', () => {
      socket.destroy()
      ok(true)
    })
    socket.once('error', () => ok(false))
  })
}

async function start(opts: { root: string; port: number; name: string; pidFile: string; log: string | undefined }): Promise<void> {
  const out = opts.log ? openSync(opts.log, 'a') : 'ignore'
  const child = spawn(
    process.execPath,
    [SAMPLE_APP, '--root', opts.root, '--port', String(opts.port), '--name', opts.name, '--pid-file', opts.pidFile],
    { detached: true, stdio: ['ignore', out, out] },
  )
  if (typeof out === 'number') closeSync(out)
  child.unref()
  const ended: { how?: string } = {}
  child.once('exit', (code, signal) => (ended.how = signal ? `was killed by ${signal}` : `exited with code ${code}`))
  child.once('error', (err) => (ended.how = `could not start (${err.message})`))
  const where = opts.log ? `; see ${opts.log}` : ''
  // The pid file names the new process only once it listens: a connection alone could reach an old one.
  for (const deadline = Date.now() + START_TIMEOUT_MS; Date.now() < deadline; await sleep(POLL_MS)) {
    if (ended.how) throw new Error(`sample app ${opts.name} ${ended.how} before listening on port ${opts.port}${where}`)
    if ((await readPid(opts.pidFile)) === child.pid && (await accepts(opts.port))) return
  }
  if (child.pid !== undefined) process.kill(child.pid, 'SIGKILL')
  throw new Error(`sample app ${opts.name} did not accept connections on port ${opts.port} within ${START_TIMEOUT_MS / 1000} s${where}`)
}

function parse() {
  try {
    return parseArgs({
      allowPositionals: true,
      options: {
        root: { type: 'string' },
        port: { type: 'string' },
        name: { type: 'string' },
        'pid-file': { type: 'string' },
        log: { type: 'string' },
      },
    })
  } catch (err) {
    process.stderr.write(`sample-app-ctl: ${messageOf(err)}\n`)
    return null
  }
}

async function main(): Promise<number> {
  const args = parse()
  if (!args) return usage()
  const { values, positionals } = args
  const [command, ...rest] = positionals
  const pidFile = values['pid-file'] && resolve(values['pid-file'])
  if (rest.length > 0 || !pidFile) return usage()
  if (command === 'stop') {
    await stop(pidFile)
    return 0
  }
  if (command !== 'restart') return usage()
  const port = Number(values.port)
  if (!values.root || !values.name || !Number.isInteger(port) || port <= 0 || port > 65535) return usage()
  await stop(pidFile)
  await start({ root: resolve(values.root), port, name: values.name, pidFile, log: values.log && resolve(values.log) })
  return 0
}

function usage(): number {
  process.stderr.write(USAGE)
  return 2
}

main().then(
  (code) => process.exit(code),
  (err: unknown) => {
    process.stderr.write(`sample-app-ctl: ${err instanceof Error ? err.message : String(err)}\n`)
    process.exit(1)
  },
)
