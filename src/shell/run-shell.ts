import { spawn } from 'node:child_process'
import { stat } from 'node:fs/promises'
import type { Readable } from 'node:stream'
import { setTimeout as delay } from 'node:timers/promises'
import { OperationFailedError, UserError } from '../core/errors.js'
import { startTimer } from '../core/timers.js'
import { describeCommand, formatDuration, stderrTail } from './shell-messages.js'
import { OutputCollector } from './output-collector.js'

export interface ShellOptions {
  /** Component name, for messages. */
  component: string
  command: string
  cwd: string
  /** Merged over process.env. */
  env?: Record<string, string>
  /** Written to the command's stdin, which is then closed; without it stdin is closed at once. */
  stdin?: string | Uint8Array
  timeoutMs: number
  signal?: AbortSignal
  /** Time between SIGTERM and SIGKILL once the command must stop. */
  graceMs?: number
  /** More stdout than this fails the command: silently cutting captured state would lose data. */
  maxStdoutBytes?: number
}

const DEFAULT_GRACE_MS = 5_000
const DEFAULT_MAX_STDOUT = 256 * 1024 * 1024
/**
 * Time to wait for stdout/stderr to end once the shell exited; a daemon it started may hold them open. The
 * timer is unref'd: when the pipes close first, it must not keep lastgood from exiting for that long.
 */
const DRAIN_MS = 500

/**
 * Runs `sh -c command` and returns its stdout. Throws OperationFailedError naming the component, the (redacted)
 * command and its last stderr lines on a non-zero exit, a timeout or too much output; UserError when the command
 * or the working directory does not exist (exit 127/126). The command runs in its own process group so a
 * timeout or an abort stops its children too (SIGTERM, then SIGKILL after the grace). Background processes it
 * leaves running on purpose (a restart starting a daemon) are left alone. Not idempotent by itself: retrying
 * runs the command again.
 */
export async function runShell(o: ShellOptions): Promise<Buffer> {
  const shown = `component ${o.component}: command ${describeCommand(o.command)}`
  if (o.signal?.aborted) throw new OperationFailedError(`${shown} was cancelled before it started`, { cause: o.signal.reason })
  await requireDirectory(o.cwd, shown)
  const child = spawn('/bin/sh', ['-c', o.command], {
    cwd: o.cwd,
    env: { ...process.env, ...o.env },
    detached: true,
    stdio: ['pipe', 'pipe', 'pipe'],
  })
  const maxStdout = o.maxStdoutBytes ?? DEFAULT_MAX_STDOUT
  const stdout = new OutputCollector(maxStdout, 'fail')
  const stderr = new OutputCollector(64 * 1024, 'tail')
  const closed = new Promise<void>((resolve) => child.once('close', () => resolve()))
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve, reject) => {
    child.once('exit', (code, signal) => resolve({ code, signal }))
    child.once('error', reject)
  })

  let reason: 'timeout' | 'abort' | 'overflow' | undefined
  let graceTimer: NodeJS.Timeout | undefined
  let graceElapsed: Promise<void> = new Promise(() => undefined)
  const signalGroup = (sig: NodeJS.Signals) => {
    try {
      if (child.pid) process.kill(-child.pid, sig)
    } catch {
      // The group is already gone.
    }
  }
  const stop = (why: NonNullable<typeof reason>) => {
    if (reason) return
    reason = why
    signalGroup('SIGTERM')
    graceElapsed = new Promise((resolve) => {
      graceTimer = setTimeout(() => resolve(signalGroup('SIGKILL')), o.graceMs ?? DEFAULT_GRACE_MS)
    })
  }
  child.stdout.on('data', (b: Buffer) => stdout.push(b) || stop('overflow'))
  child.stderr.on('data', (b: Buffer) => stderr.push(b))
  child.stdin.on('error', () => undefined) // A command that does not read its stdin closes it early: EPIPE.
  child.stdin.end(o.stdin ?? '')
  const timer = startTimer(o.timeoutMs, () => stop('timeout'))
  const onAbort = () => stop('abort')
  o.signal?.addEventListener('abort', onAbort, { once: true })

  try {
    const exit = await exited
    if (reason) {
      await Promise.race([closed, graceElapsed])
      signalGroup('SIGKILL')
    } else if ((await Promise.race([closed.then(() => true), delay(DRAIN_MS, false, { ref: false })])) === false) {
      release(child.stdout)
      release(child.stderr)
    }
    const tail = stderrTail(stderr.text())
    if (reason === 'timeout') throw new OperationFailedError(`${shown} timed out after ${formatDuration(o.timeoutMs)}${tail}`)
    if (reason === 'abort') throw new OperationFailedError(`${shown} was cancelled`, { cause: o.signal?.reason })
    if (reason === 'overflow') throw new OperationFailedError(`${shown} printed more than ${maxStdout} bytes on stdout`)
    if (exit.code === 127 || exit.code === 126) {
      throw new UserError(`${shown} exited with ${exit.code}: it was not found or is not executable${tail}; check the command and PATH`)
    }
    if (exit.code !== 0) {
      const how = exit.code === null ? `was killed by ${exit.signal}` : `exited with ${exit.code}`
      throw new OperationFailedError(`${shown} ${how}${tail}`)
    }
    return stdout.bytes()
  } finally {
    timer.clear()
    clearTimeout(graceTimer)
    o.signal?.removeEventListener('abort', onAbort)
  }
}

/** Keep reading (and dropping) what a leftover daemon writes, without keeping lastgood alive for it. */
function release(stream: Readable): void {
  stream.removeAllListeners('data')
  stream.resume()
  ;(stream as Readable & { unref?: () => void }).unref?.()
}

async function requireDirectory(cwd: string, shown: string): Promise<void> {
  const st = await stat(cwd).catch(() => undefined)
  if (!st?.isDirectory()) {
    throw new UserError(`${shown} cannot run: its working directory ${cwd} does not exist; fix cwd in the configuration`)
  }
}
