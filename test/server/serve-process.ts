import { type ChildProcess, spawn } from 'node:child_process'
import { join } from 'node:path'
import { PACKAGE_ROOT } from '../../src/core/package-root.js'
import type { SamplePlatform } from '../../src/demo/sample-platform.js'

/** A real `lastgood serve --port 0` of a sample platform: its URL as it printed it, and its JSON log lines. */
export class ServeProcess {
  stdout = ''
  stderr = ''
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null; at: number }>
  private readonly child: ChildProcess

  private constructor(p: SamplePlatform, args: string[], env: Record<string, string>) {
    this.child = spawn(
      process.execPath,
      [join(PACKAGE_ROOT, 'bin/lastgood.cjs'), '--config', p.configFile, 'serve', '--port', '0', ...args],
      {
        cwd: p.dir,
        env: { ...process.env, LASTGOOD_ACTOR: 'tester', ...p.env, ...env },
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    )
    this.child.stdout!.on('data', (d) => (this.stdout += d))
    this.child.stderr!.on('data', (d) => (this.stderr += d))
    this.exited = new Promise((ok) => this.child.once('exit', (code, signal) => ok({ code, signal, at: performance.now() })))
  }

  /** Starts it and waits for what it prints of where it serves. */
  static async start(p: SamplePlatform, args: string[] = [], env: Record<string, string> = {}): Promise<ServeProcess & { url: string }> {
    const s = new ServeProcess(p, args, env)
    const started = Date.now()
    for (;;) {
      // `serving URL (…)` for people, `"url": "URL"` with --json.
      const m = /(?:serving |"url": ")(https?:\/\/[^\s"]+)/.exec(s.stdout)
      if (m) return Object.assign(s, { url: m[1]! })
      if (s.child.exitCode !== null || Date.now() - started > 20_000) throw new Error(`serve did not start: ${s.stdout}\n${s.stderr}`)
      await new Promise((r) => setTimeout(r, 20))
    }
  }

  /** Every JSON line it logged so far. */
  logs(): Record<string, unknown>[] {
    return this.stderr
      .split('\n')
      .filter((l) => l.startsWith('{'))
      .map((l) => JSON.parse(l) as Record<string, unknown>)
  }

  /** Sends the signal; resolves with how it exited and how long that took (ms). */
  async stop(signal: NodeJS.Signals = 'SIGTERM'): Promise<{ code: number | null; signal: NodeJS.Signals | null; ms: number }> {
    const sent = performance.now()
    if (this.child.exitCode === null && this.child.signalCode === null) this.child.kill(signal)
    const e = await this.exited
    return { code: e.code, signal: e.signal, ms: Math.max(0, e.at - sent) }
  }
}
