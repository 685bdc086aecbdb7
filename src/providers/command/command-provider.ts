import { mkdtemp } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { IntegrityError, UserError } from '../../core/errors.js'
import { KIND, type CommandComponent } from './command-component.js'
import type { Change, ComponentManifest, Provider, ProviderContext, VersionInfo } from '../provider.js'
import { removeTree } from '../../file-tree/durable-fs.js'
import { chunkRefs, treeSummary } from '../../file-tree/tree-entry.js'
import { runShell } from '../../shell/run-shell.js'
import { describeCommand } from '../../shell/shell-messages.js'
import { captureArtifact, compareArtifact, materialiseArtifact } from './artifacts.js'
import { parseCommandBody, type CommandBody } from './command-body.js'

/**
 * The team's own commands (wrangler, the AWS CLI, Terraform): `current` prints the version, `capture` prints
 * the state to keep, `restore` reads it back as JSON on stdin. lastgood adds storage, artifacts and the audit
 * around them; it cannot make the commands atomic, so the switch point is whatever `restore` does.
 */
export const commandProvider: Provider<CommandComponent> = {
  kind: KIND,

  /** Trimmed stdout of `current`. Runs the user's command, which must not change anything. */
  current: readVersion,

  /** Stores what `capture` prints and every artifact. Idempotent as far as the commands are. */
  async capture(c, ctx) {
    const { version } = await readVersion(c, ctx)
    const stdout = await run(c, ctx, c.capture)
    const stdoutId = await ctx.blobs.putBlob('data', stdout)
    const artifacts = []
    for (const path of c.artifacts) {
      const artifact = await captureArtifact(c.name, path, ctx.blobs)
      if (artifact.type === 'absent') ctx.log.warn({ component: c.name, path }, 'artifact absent; recorded as absent')
      artifacts.push(artifact)
    }
    const entries = artifacts.flatMap((a) => a.entries)
    const { files, bytes } = treeSummary(entries)
    const body: CommandBody = { stdout: stdoutId, stdoutBytes: stdout.length, artifacts }
    return {
      provider: KIND,
      version,
      refs: [...new Set([stdoutId, ...chunkRefs(entries)])],
      summary: { files, bytes: bytes + stdout.length },
      body,
    } satisfies ComponentManifest
  },

  /** Version before → after, the restore command that will run, and artifact differences on disk now. */
  async preview(c, m, ctx) {
    const body = parseCommandBody(m)
    const before = await readVersion(c, ctx).then(
      (v) => v.version,
      (err: unknown) => {
        // A broken service is exactly when a rollback is previewed: say so, do not fail the plan.
        ctx.log.warn({ component: c.name, err }, 'current version unknown')
        return 'unknown'
      },
    )
    const changes: Change[] = [
      { kind: 'version', before, after: m.version },
      { kind: 'action', path: `run restore command ${describeCommand(c.restore)} with the captured state on stdin` },
    ]
    for (const a of body.artifacts) changes.push(...(await compareArtifact(a)))
    return changes
  },

  /**
   * Writes the artifacts into a fresh private temporary directory, runs `restore` with
   * `{ app, component, version, captured, artifacts: [{ path, restored }] }` on stdin (`restored` is null for
   * an artifact that was absent at capture) and LASTGOOD_APP,
   * LASTGOOD_COMPONENT, LASTGOOD_VERSION in its environment, then removes the directory whatever happened.
   * Everything is validated before the command runs; the command decides where its switch point is.
   */
  async restore(c, m, ctx) {
    const body = parseCommandBody(m)
    if (!(await ctx.blobs.hasBlob(body.stdout))) {
      throw new IntegrityError(body.stdout, `blob ${body.stdout} (captured stdout) is missing from the repository`)
    }
    const stdout = await ctx.blobs.getBlob(body.stdout)
    if (stdout.length !== body.stdoutBytes) {
      throw new IntegrityError(body.stdout, `blob ${body.stdout} holds ${stdout.length} bytes, the manifest says ${body.stdoutBytes}`)
    }
    const temp = await mkdtemp(join(tmpdir(), 'lastgood-restore-'))
    try {
      const artifacts = []
      for (const [i, a] of body.artifacts.entries()) {
        artifacts.push({ path: a.path, restored: await materialiseArtifact(a, join(temp, String(i)), ctx.blobs) })
      }
      const captured = Buffer.from(stdout).toString('utf8')
      const input = { app: ctx.app, component: ctx.component, version: m.version, captured, artifacts }
      const env = { LASTGOOD_APP: ctx.app, LASTGOOD_COMPONENT: ctx.component, LASTGOOD_VERSION: m.version }
      await run(c, ctx, c.restore, { stdin: JSON.stringify(input), env })
    } finally {
      await removeTree(temp)
    }
    return { path: 'command' }
  },
}

/** Trimmed stdout of `current`. Runs the user's command, which must not change anything. */
async function readVersion(c: CommandComponent, ctx: ProviderContext): Promise<VersionInfo> {
  const version = (await run(c, ctx, c.current)).toString('utf8').trim()
  if (version === '') {
    throw new UserError(`component ${c.name}: command ${describeCommand(c.current)} printed nothing; it must print the version on stdout`)
  }
  return { version }
}

function run(
  c: CommandComponent,
  ctx: ProviderContext,
  command: string,
  extra: { stdin?: string; env?: Record<string, string> } = {},
): Promise<Buffer> {
  return runShell({
    component: c.name,
    command,
    cwd: c.cwd,
    env: { ...c.env, ...extra.env },
    timeoutMs: c.timeoutMs,
    signal: ctx.signal,
    ...(extra.stdin === undefined ? {} : { stdin: extra.stdin }),
  })
}
