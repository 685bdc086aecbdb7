import { type ChildProcess, spawn } from 'node:child_process'
import { copyFile, mkdir, mkdtemp, rename, rm, symlink, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import type { Env } from '../config/interpolate.js'
import { loadConfig } from '../config/load-config.js'
import type { ResolvedConfig } from '../config/types.js'
import { factoryFor } from '../providers/registry.js'
import { PACKAGE_ROOT } from '../core/package-root.js'
import { freePort } from './free-port.js'

const CLI = join(PACKAGE_ROOT, 'bin/lastgood.cjs')
const SAMPLE_APP = join(PACKAGE_ROOT, 'dist/src/demo/sample-app.js')
/** Restarts a detached sample app: what a drill's `restart:` command runs. */
export const SAMPLE_APP_CTL = join(PACKAGE_ROOT, 'dist/src/demo/sample-app-ctl.js')

export interface Behaviour {
  healthy: boolean
  latencyMs?: number
  errorRate?: number
  /** The process exits on its next request: a release that crashes. */
  crash?: boolean
}

export interface CliResult {
  /** -1 when the process was killed by a signal. */
  code: number
  /** The signal that killed it (`SIGKILL` from the fault-injection hook), else null. */
  signal: NodeJS.Signals | null
  stdout: string
  stderr: string
  ms: number
}

/**
 * A platform of sample apps in a temporary directory: a config, one deploy root per release-directory
 * component (Capistrano layout), and one real HTTP server per app. The demo, the end-to-end tests and the
 * benchmarks all drive lastgood through this, with the real CLI in a child process.
 */
export class SamplePlatform {
  private servers = new Map<string, ChildProcess>()

  private constructor(
    readonly dir: string,
    readonly configFile: string,
    readonly env: Record<string, string>,
    readonly config: ResolvedConfig,
  ) {}

  /**
   * `configText` is YAML with ${CLINIC_<APP>_PORT} placeholders; the example clinic config by default. `dir`:
   * where the platform lives (a benchmark's cached fixture); a new temporary directory by default.
   */
  static async create(opts: { configText?: string; env?: Record<string, string>; dir?: string } = {}): Promise<SamplePlatform> {
    const dir = opts.dir ?? (await mkdtemp(join(tmpdir(), 'lastgood-sample-')))
    await mkdir(dir, { recursive: true })
    const configFile = join(dir, 'lastgood.yaml')
    if (opts.configText) await writeFile(configFile, opts.configText)
    else await copyFile(join(PACKAGE_ROOT, 'examples/clinic/lastgood.yaml'), configFile)
    const env: Record<string, string> = {
      CLINIC_HEALTH_INTERVAL: '1s',
      CLINIC_VALIDATION_INTERVAL: '250ms',
      CLINIC_VALIDATION_WINDOW: '5s',
      ...opts.env,
    }
    for (const name of ['staff', 'inventory', 'handouts', 'medication-auth', 'checkin-kiosk']) {
      env[portVariable(name)] ??= String(await freePort())
    }
    const config = await loadConfig(configFile, { ...process.env, ...env })
    return new SamplePlatform(dir, configFile, env, config)
  }

  /**
   * The environment lastgood opens this platform in, in-process (a drill): its ports, and neither the caller's
   * passphrase nor configuration file. Passed, not set: a server running a drill keeps its own environment.
   */
  platformEnv(): Env {
    return { ...process.env, ...this.env, LASTGOOD_PASSWORD: undefined, LASTGOOD_CONFIG: undefined }
  }

  app(name: string) {
    const app = this.config.apps.find((a) => a.name === name)
    if (!app) throw new Error(`sample platform has no app ${name}`)
    return app
  }

  /** Writes releases/<version>/ of every release-directory component of the app and points `current` at it. */
  async deploy(
    appName: string,
    version: string,
    behaviour: Behaviour = { healthy: true },
    extraFiles: Record<string, string | Uint8Array> = {},
  ): Promise<void> {
    for (const c of this.app(appName).components) {
      const factory = factoryFor(c)
      const shell = factory.shellEnvironment?.(c)
      if (shell?.env.EDGE_DIR) {
        // The example's wrangler-like edge config: what its deploy tool would write.
        const edge = join(shell.cwd, shell.env.EDGE_DIR)
        await mkdir(edge, { recursive: true })
        await writeFile(join(edge, 'wrangler.toml'), `name = "${appName}"\nmain = "dist/worker.js"\n[vars]\nRELEASE = "${version}"\n`)
        await writeFile(join(edge, 'version'), `${version}\n`)
      }
      const deployRoot = factory.releaseDirectory?.(c)
      if (!deployRoot) continue
      const release = join(deployRoot.root, deployRoot.releasesDir, version)
      await mkdir(join(release, 'public', 'assets'), { recursive: true })
      await writeFile(join(release, 'app.json'), JSON.stringify({ version, ...behaviour }, null, 2))
      await writeFile(
        join(release, 'public', 'index.html'),
        `<!doctype html><title>${appName} ${version}</title><h1>${appName} ${version}</h1>\n`,
      )
      await writeFile(
        join(release, 'public', 'assets', 'app.js'),
        `console.log(${JSON.stringify(`${appName} ${version}`)})\n${'// bundle\n'.repeat(200)}`,
      )
      for (const [path, content] of Object.entries(extraFiles)) {
        await mkdir(dirname(join(release, path)), { recursive: true })
        await writeFile(join(release, path), content)
      }
      await switchCurrent(join(deployRoot.root, deployRoot.currentLink), join(deployRoot.releasesDir, version))
    }
  }

  /** Starts one sample HTTP server per app (on its configured port) and waits until each listens. */
  async start(apps = this.config.apps.map((a) => a.name)): Promise<void> {
    await Promise.all(apps.map((name) => this.startApp(name)))
  }

  /** `component` names the release-directory component whose `current` the server reads (default: the first). */
  async startApp(name: string, opts: { component?: string } = {}): Promise<void> {
    const app = this.app(name)
    const root = app.components
      .filter((c) => !opts.component || c.name === opts.component)
      .map((c) => factoryFor(c).releaseDirectory?.(c))
      .find((r) => r !== undefined)
    const port = this.env[portVariable(name)]
    if (!root || !port) throw new Error(`app ${name} has no release-directory component or port`)
    const child = spawn(process.execPath, [SAMPLE_APP, '--root', root.root, '--port', port, '--name', name], {
      stdio: ['ignore', 'pipe', 'inherit'],
    })
    this.servers.set(name, child)
    await new Promise<void>((ok, fail) => {
      child.once('exit', (code) => fail(new Error(`sample app ${name} exited with ${code}`)))
      child.stdout.once('data', () => ok())
    })
  }

  /**
   * Runs the real CLI with this platform's config and environment; `bin`: another build's bin/lastgood.cjs
   * (a benchmark's baseline).
   */
  cli(args: string[], opts: { env?: Record<string, string>; input?: string; bin?: string } = {}): Promise<CliResult> {
    const started = performance.now()
    return new Promise((ok, fail) => {
      const child = spawn(process.execPath, [opts.bin ?? CLI, '--config', this.configFile, ...args], {
        cwd: this.dir,
        env: { ...process.env, LASTGOOD_ACTOR: 'demo', ...this.env, ...opts.env },
        stdio: ['pipe', 'pipe', 'pipe'],
      })
      let stdout = ''
      let stderr = ''
      child.stdout.on('data', (d) => (stdout += d))
      child.stderr.on('data', (d) => (stderr += d))
      child.stdin.end(opts.input ?? '')
      child.once('error', fail)
      child.once('close', (code, signal) => ok({ code: code ?? -1, signal, stdout, stderr, ms: Math.round(performance.now() - started) }))
    })
  }

  async stop(): Promise<void> {
    await Promise.all(
      [...this.servers.values()].map(
        (child) =>
          new Promise<void>((ok) => {
            if (child.exitCode !== null || child.signalCode !== null) return ok()
            child.once('exit', () => ok())
            child.kill('SIGTERM')
          }),
      ),
    )
    this.servers.clear()
  }

  async destroy(): Promise<void> {
    await this.stop()
    await rm(this.dir, { recursive: true, force: true })
  }
}

/** The variable the example config reads an app's port from: medication-auth → CLINIC_MEDICATION_AUTH_PORT. */
export function portVariable(app: string): string {
  return `CLINIC_${app.toUpperCase().replace(/-/g, '_')}_PORT`
}

/** What a deploy tool does: a new symlink beside the old one, renamed over it (atomic). */
export async function switchCurrent(link: string, target: string): Promise<void> {
  const tmp = `${link}.deploy-${process.pid}-${Date.now()}`
  await symlink(target, tmp)
  await rename(tmp, link)
}

/** Runs fn with these variables set (undefined: unset), then puts the environment back as it was. */
export async function withEnv<T>(env: Record<string, string | undefined>, fn: () => Promise<T>): Promise<T> {
  const saved = Object.fromEntries(Object.keys(env).map((k) => [k, process.env[k]]))
  const apply = (vars: Record<string, string | undefined>) => {
    for (const [k, v] of Object.entries(vars)) {
      if (v === undefined) delete process.env[k]
      else process.env[k] = v
    }
  }
  apply(env)
  try {
    return await fn()
  } finally {
    apply(saved)
  }
}
