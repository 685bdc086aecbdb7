import { type ChildProcess, spawn } from 'node:child_process'
import { join } from 'node:path'
import { PACKAGE_ROOT } from '../../src/core/package-root.js'
import { type SamplePlatform } from '../../src/demo/sample-platform.js'

export interface StreamedEvent {
  type: string
  at: string
  app?: string
  trigger?: string
  message: string
  outcome: string
  data: Record<string, unknown>
}

/**
 * A real `lastgood --json <args>` process that streams events (monitor, watch) as JSON lines, with a way
 * to wait for one. Its stderr is kept for failure messages.
 */
export class StreamingCli {
  readonly events: StreamedEvent[] = []
  stderr = ''
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>
  private readonly child: ChildProcess
  private buffer = ''

  constructor(p: SamplePlatform, args: string[], env: Record<string, string> = {}) {
    this.child = spawn(process.execPath, [join(PACKAGE_ROOT, 'bin/lastgood.cjs'), '--config', p.configFile, '--json', ...args], {
      cwd: p.dir,
      env: { ...process.env, LASTGOOD_ACTOR: 'tester', ...p.env, ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    })
    this.child.stdout!.on('data', (d) => {
      this.buffer += d
      let nl: number
      while ((nl = this.buffer.indexOf('\n')) >= 0) {
        const line = this.buffer.slice(0, nl)
        this.buffer = this.buffer.slice(nl + 1)
        if (line.trim()) this.events.push(JSON.parse(line) as StreamedEvent)
      }
    })
    this.child.stderr!.on('data', (d) => (this.stderr += d))
    this.exited = new Promise((ok) => this.child.once('exit', (code, signal) => ok({ code, signal })))
  }

  /** The first event (already seen or to come) that matches; fails after timeoutMs with what was seen. */
  async waitFor(match: (e: StreamedEvent) => boolean, timeoutMs = 20_000): Promise<StreamedEvent> {
    const started = Date.now()
    for (;;) {
      const found = this.events.find(match)
      if (found) return found
      if (Date.now() - started > timeoutMs)
        throw new Error(
          `no such event in ${timeoutMs} ms; saw:\n${this.events.map((e) => `${e.type} ${e.message}`).join('\n')}\nstderr: ${this.stderr}`,
        )
      if (this.child.exitCode !== null || this.child.signalCode !== null) {
        await new Promise((r) => setTimeout(r, 50))
        const late = this.events.find(match)
        if (late) return late
        throw new Error(
          `the process exited (${this.child.exitCode ?? this.child.signalCode}) first; saw:\n${this.events.map((e) => `${e.type} ${e.message}`).join('\n')}\nstderr: ${this.stderr}`,
        )
      }
      await new Promise((r) => setTimeout(r, 25))
    }
  }

  /** Sends a signal (a person's Ctrl-C is SIGINT, a service manager's stop SIGTERM). */
  kill(signal: NodeJS.Signals): void {
    this.child.kill(signal)
  }

  async stop(): Promise<{ code: number | null; signal: NodeJS.Signals | null }> {
    if (this.child.exitCode === null && this.child.signalCode === null) this.child.kill('SIGTERM')
    return this.exited
  }
}
