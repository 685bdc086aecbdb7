import { type ChildProcess, spawn } from 'node:child_process'
import { join } from 'node:path'
import { PACKAGE_ROOT } from '../src/core/package-root.js'
import type { SamplePlatform } from '../src/demo/sample-platform.js'

/** Starts `lastgood serve --port 0 --json` and reads where it listens from its one JSON document. */
export async function serve(p: SamplePlatform): Promise<{ url: string; child: ChildProcess }> {
  const child = spawn(
    process.execPath,
    [join(PACKAGE_ROOT, 'bin/lastgood.cjs'), '--config', p.configFile, '--json', 'serve', '--port', '0'],
    {
      cwd: p.dir,
      env: { ...process.env, ...p.env, LASTGOOD_LOG: 'warn' },
      stdio: ['ignore', 'pipe', 'inherit'],
    },
  )
  let out = ''
  child.stdout.on('data', (d) => (out += d))
  for (const started = Date.now(); Date.now() - started < 20_000; await new Promise((r) => setTimeout(r, 50))) {
    const m = /"url": "([^"]+)"/.exec(out)
    if (m) return { url: m[1]!, child }
  }
  child.kill('SIGKILL')
  throw new Error(`serve did not start: ${out}`)
}

/** The server stops first: its monitor must not write into a platform being removed. */
export async function stopServe(server: ChildProcess | undefined): Promise<void> {
  if (!server || server.exitCode !== null) return
  const exited = new Promise((ok) => server.once('exit', ok))
  server.kill('SIGTERM')
  await exited
}
