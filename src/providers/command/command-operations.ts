import { mkdtemp } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { IntegrityError } from '../../core/errors.js'
import { removeTree } from '../../file-tree/durable-fs.js'
import { chunkRefs, treeSummary } from '../../file-tree/tree-entry.js'
import { describeCommand } from '../../shell/shell-messages.js'
import type { Change, ComponentManifest, ProviderContext, RestoreResult } from '../provider.js'
import { captureArtifact, compareArtifact, materialiseArtifact } from './artifacts.js'
import { parseCommandBody, type CommandBody } from './command-body.js'
import { KIND, type CommandComponent } from './command-component.js'
import { readVersion, runCommand } from './run-command.js'

/** Stores what `capture` prints and every artifact. Idempotent as far as the commands are. */
export async function captureCommand(c: CommandComponent, ctx: ProviderContext): Promise<ComponentManifest> {
  const { version } = await readVersion(c, ctx)
  const stdout = await runCommand(c, ctx, c.capture)
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
}

/** Version before → after, the restore command that will run, and artifact differences on disk now. */
export async function previewCommand(c: CommandComponent, m: ComponentManifest, ctx: ProviderContext): Promise<Change[]> {
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
}

/**
 * Writes the artifacts into a fresh private temporary directory, runs `restore` with
 * `{ app, component, version, captured, artifacts: [{ path, restored }] }` on stdin (`restored` is null for
 * an artifact that was absent at capture) and LASTGOOD_APP,
 * LASTGOOD_COMPONENT, LASTGOOD_VERSION in its environment, then removes the directory whatever happened.
 * Everything is validated before the command runs; the command decides where its switch point is.
 */
export async function restoreCommand(c: CommandComponent, m: ComponentManifest, ctx: ProviderContext): Promise<RestoreResult> {
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
    await runCommand(c, ctx, c.restore, { stdin: JSON.stringify(input), env })
  } finally {
    await removeTree(temp)
  }
  return { path: 'command' }
}
