import { readFile } from 'node:fs/promises'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { OperationFailedError, UserError } from '../../src/core/errors.js'
import { registerSecret } from '../../src/core/redact.js'
import { runShell, type ShellOptions } from '../../src/shell/run-shell.js'
import { alive, useTempDirs } from '../providers/fixtures.js'

const tempDir = useTempDirs()

async function sh(command: string, extra: Partial<ShellOptions> = {}): Promise<string> {
  const cwd = extra.cwd ?? (await tempDir())
  return (await runShell({ component: 'api', command, cwd, timeoutMs: 10_000, ...extra })).toString('utf8')
}

describe('runShell', () => {
  it('returns stdout, runs in cwd, merges env over process.env and feeds stdin', async () => {
    const cwd = await tempDir()
    const out = await sh('pwd; echo "$GREETING $HOME"; cat', { cwd, env: { GREETING: 'hello' }, stdin: 'from stdin' })
    expect(out).toBe(`${cwd}\nhello ${process.env.HOME}\nfrom stdin`)
  })

  it('a non-zero exit names the component, the command, the code and the last stderr lines', async () => {
    const err = await sh('for i in $(seq 1 30); do echo "line $i" >&2; done; exit 3').catch((e: unknown) => e)
    expect(err).toBeInstanceOf(OperationFailedError)
    const message = (err as Error).message
    expect(message).toMatch(/^component api: command "for i in .*" exited with 3: line 21\n/)
    expect(message).toMatch(/line 30$/)
    expect(message).not.toMatch(/line 20\b/)
  })

  it('a missing command or working directory is a UserError', async () => {
    await expect(sh('no-such-command-lastgood --flag')).rejects.toSatisfy(
      (e: unknown) => e instanceof UserError && /exited with 127: it was not found.*check the command and PATH/s.test(e.message),
    )
    await expect(sh('true', { cwd: '/nonexistent/lastgood' })).rejects.toThrow(/working directory \/nonexistent\/lastgood does not exist/)
  })

  it('a timeout stops the whole process group, SIGKILL after the grace for those ignoring SIGTERM', async () => {
    const cwd = await tempDir()
    const started = Date.now()
    const command = `trap '' TERM; sh -c 'trap "" TERM; echo $$ > child.pid; while :; do sleep 0.05; done' & wait`
    const err = await sh(command, { cwd, timeoutMs: 300, graceMs: 300 }).catch((e: unknown) => e)
    expect((err as Error).message).toMatch(/component api: command ".*" timed out after 300ms/)
    expect(Date.now() - started).toBeLessThan(5_000)
    const child = Number(await readFile(join(cwd, 'child.pid'), 'utf8'))
    await expect.poll(() => alive(child)).toBe(false)
  })

  it('an abort signal cancels the command', async () => {
    const controller = new AbortController()
    setTimeout(() => controller.abort(), 100)
    await expect(sh('sleep 30', { signal: controller.signal })).rejects.toThrow(/was cancelled/)
    await expect(sh('true', { signal: controller.signal })).rejects.toThrow(/cancelled before it started/)
  })

  it('does not wait for a background process that keeps stdout open (a restart starting a daemon)', async () => {
    const cwd = await tempDir()
    const started = Date.now()
    expect(await sh('sleep 30 & echo $! > daemon.pid; echo started', { cwd })).toBe('started\n')
    expect(Date.now() - started).toBeLessThan(3_000)
    const daemon = Number(await readFile(join(cwd, 'daemon.pid'), 'utf8'))
    expect(alive(daemon)).toBe(true) // left running on purpose
    process.kill(daemon, 'SIGTERM')
  })

  it('fails rather than truncate stdout beyond its bound, and survives a command that ignores stdin', async () => {
    await expect(sh('head -c 100000 /dev/zero', { maxStdoutBytes: 1000 })).rejects.toThrow(/printed more than 1000 bytes/)
    expect(await sh('echo ok', { stdin: 'x'.repeat(1_000_000) })).toBe('ok\n')
  })

  it('RELIABILITY case 14: keeps secrets on the command line and in stderr out of the error', async () => {
    const err = await sh('echo "auth failed for token=s3cr3t-value-123" >&2; exit 1 # --api-token=s3cr3t-value-123').catch(
      (e: unknown) => e,
    )
    expect((err as Error).message).toMatch(/exited with 1/)
    expect((err as Error).message).not.toContain('s3cr3t-value-123')
  })

  it('case 14: a secret where a long line, a long command or the kept tail of stderr is cut is masked whole, not in part', async () => {
    const secret = 'CutShellSecret0123456789'
    registerSecret(secret)
    const failure = (command: string) =>
      sh(command, { env: { S: secret } }).then(
        () => new Error('no failure'),
        (e: unknown) => e as Error,
      )
    // A line cut at 500 characters, a command cut at 200, and stderr of which the last 64 kB are kept.
    const cuts = [
      await failure(`printf '%0495d%s\\n' 0 "$S" >&2; exit 1`),
      await failure(`exit 1 # ${'.'.repeat(185)}${secret}`),
      await failure(`printf '%0${64 * 1024 - 10}d%s\\n' 0 "$S" >&2; echo done >&2; exit 1`),
    ]
    for (const err of cuts) {
      expect(err.message).toMatch(/exited with 1/)
      for (const part of [secret.slice(0, 5), secret.slice(-5)]) expect(err.message).not.toContain(part)
    }
    expect(cuts[2]!.message).toMatch(/exited with 1: done$/)
  })
})
