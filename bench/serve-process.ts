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

/** Runs a command of the bench's setup; a failure ends the bench with its stderr. */
export async function must(p: SamplePlatform, args: string[], input?: string): Promise<string> {
  const r = await p.cli(args, input === undefined ? {} : { input })
  if (r.code !== 0) throw new Error(`lastgood ${args.join(' ')} exited ${r.code}: ${r.stderr}`)
  return r.stdout
}

/** A user of `role` and an API token of theirs, for the bench's requests. */
export async function personWithToken(p: SamplePlatform, user: string, role: string): Promise<string> {
  await must(p, ['user', 'add', user, '--role', role, '--password-stdin'], 'correct horse battery staple\n')
  return (JSON.parse(await must(p, ['--json', 'token', 'create', `${user}-bench`, '--user', user])) as { token: string }).token
}
