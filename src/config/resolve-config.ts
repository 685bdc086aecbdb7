import path from 'node:path'
import { resolveComponent } from '../providers/registry.js'
import type { AppYaml, ConfigYaml, Trigger } from './schema.js'
import { resolvePath } from './resolve-path.js'
import { resolveRecovery } from './resolve-recovery.js'
import { resolveDecisions } from './resolve-decisions.js'
import type { ResolvedApp, ResolvedConfig, ResolvedTrigger } from './types.js'
import type { ResolvedHealth } from '../health/health-config.js'
import { resolveSourceSettings } from '../metrics/source-registry.js'
import { resolveAuth } from '../auth/auth-config.js'
import { resolveSchedules } from './resolve-schedules.js'

export interface ResolveOptions {
  /**
   * Component names of an app in the order the file lists them. Needed because a JS object puts
   * integer-like keys (`1`, `2`) first, and component order is restore order. Defaults to the object's order.
   */
  componentOrder?: (app: string) => readonly string[] | undefined
}

/**
 * Turns validated YAML into the configuration the rest of lastgood uses: defaults merged into each app,
 * durations in milliseconds, paths absolute (relative ones against the config file's directory), apps in
 * recovery order. `file` must be absolute.
 */
export function resolveConfig(config: ConfigYaml, file: string, options: ResolveOptions = {}): ResolvedConfig {
  const dir = path.dirname(file)
  const stateDir = resolvePath(dir, config.state_dir)
  const apps = Object.entries(config.apps)
    .map(([name, app]) => resolveApp(name, app, config, dir, options.componentOrder?.(name)))
    .sort((a, b) => a.priority - b.priority || (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))
  return {
    file,
    dir,
    platform: config.platform,
    stateDir,
    ...(config.database ? { database: { url: config.database.url, schema: config.database.schema } } : {}),
    repository: {
      path: config.repository.path ? resolvePath(dir, config.repository.path) : path.join(stateDir, 'repo'),
      keyFile: config.repository.key_file ? resolvePath(dir, config.repository.key_file) : path.join(stateDir, 'repository.key'),
      compressionLevel: config.repository.compression_level,
    },
    audit: config.audit.checkpoint_file ? { checkpointFile: resolvePath(dir, config.audit.checkpoint_file) } : {},
    monitor: {
      cooldownMs: config.monitor.cooldown,
      onRestoredFailure: config.monitor.on_restored_failure,
      maxAutomaticRollbacks: config.monitor.max_automatic_rollbacks,
      watchForMs: config.monitor.watch_for,
    },
    ...resolveSourceSettings(config),
    objectives: { rtoMs: config.objectives.rto, rpoMs: config.objectives.rpo },
    ...resolveRecovery(config, dir),
    ...resolveDecisions(config),
    schedules: resolveSchedules(config),
    auth: resolveAuth(config.auth),
    apps,
  }
}

function resolveApp(name: string, app: AppYaml, config: ConfigYaml, dir: string, order: readonly string[] | undefined): ResolvedApp {
  const d = config.defaults
  const validation = { ...d.rollback.validation, ...app.rollback?.validation }
  const health = resolveHealth(app, config)
  return {
    name,
    ...(app.description !== undefined ? { description: app.description } : {}),
    priority: app.priority,
    health,
    components: orderedEntries(app.components, order).map(([cname, c]) => resolveComponent(cname, c, { dir, resolvePath })),
    retention: {
      keepLast: app.retention?.keep_last ?? d.retention.keep_last,
      keepWithinMs: app.retention?.keep_within ?? d.retention.keep_within,
    },
    rollback: {
      timeoutMs: app.rollback?.timeout ?? d.rollback.timeout,
      validation: { windowMs: validation.window, passes: validation.passes, intervalMs: validation.interval },
    },
    triggers: resolveTriggers(app, config, health),
    prometheusSelector: app.prometheus?.selector ?? `job="${name}"`,
    approvals: app.approvals ?? 1,
  }
}

/**
 * The seeds' default, `health: { kind: health_failures, action: rollback }` (health.failures rounds in a row),
 * for every app with a health check: below defaults.triggers and the app's own, so `health: { kind: off }`
 * opts out, and left out when another health_failures trigger already says what failed rounds do.
 */
const DEFAULT_HEALTH_TRIGGER = {
  health: { kind: 'health_failures', action: 'rollback', scenario: 'error_rate' },
} as const satisfies Record<string, Trigger>

function resolveTriggers(app: AppYaml, config: ConfigYaml, health: ResolvedHealth): ResolvedTrigger[] {
  const configured: Record<string, Trigger> = { ...config.defaults.triggers, ...app.triggers }
  const covered = 'health' in configured || Object.values(configured).some((t) => t.kind === 'health_failures')
  const merged: Record<string, Trigger> = health.checks.length > 0 && !covered ? { ...DEFAULT_HEALTH_TRIGGER, ...configured } : configured
  return Object.entries(merged)
    .filter((e): e is [string, Exclude<Trigger, { kind: 'off' }>] => e[1].kind !== 'off')
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([name, t]) => resolveTrigger(name, t, health.failures))
}

function resolveTrigger(name: string, t: Exclude<Trigger, { kind: 'off' }>, failures: number): ResolvedTrigger {
  const { action, scenario } = t
  switch (t.kind) {
    case 'health_failures':
      return { name, kind: t.kind, action, scenario, forMs: 0, consecutive: t.consecutive ?? failures }
    case 'error_rate':
      return {
        name,
        kind: t.kind,
        action,
        scenario,
        forMs: t.for ?? 0,
        windowMs: t.window,
        source: t.source,
        above: t.above,
        ...(t.over_requests !== undefined ? { overRequests: t.over_requests } : {}),
      }
    case 'latency':
      return {
        name,
        kind: t.kind,
        action,
        scenario,
        forMs: t.for,
        windowMs: t.window,
        source: t.source,
        percentile: t.percentile,
        aboveMs: t.above,
      }
    case 'availability':
      return { name, kind: t.kind, action, scenario, forMs: t.for, windowMs: t.window, source: t.source, below: t.below }
    case 'promql':
      return {
        name,
        kind: t.kind,
        action,
        scenario,
        forMs: t.for,
        query: t.query,
        ...(t.above !== undefined ? { above: t.above } : {}),
        ...(t.below !== undefined ? { below: t.below } : {}),
      }
  }
}

function resolveHealth(app: AppYaml, config: ConfigYaml): ResolvedHealth {
  const d = config.defaults.health
  const timeoutMs = app.health?.timeout ?? d.timeout
  return {
    intervalMs: app.health?.interval ?? d.interval,
    timeoutMs,
    failures: app.health?.failures ?? d.failures,
    checks: (app.health?.checks ?? []).map((check) => ({
      name: check.name,
      url: check.url,
      method: check.method,
      expectStatus: Array.isArray(check.expect_status) ? [...new Set(check.expect_status)] : [check.expect_status],
      ...(check.expect_body !== undefined ? { expectBody: check.expect_body } : {}),
      timeoutMs: check.timeout ?? timeoutMs,
    })),
  }
}

function orderedEntries<T>(map: Record<string, T>, order: readonly string[] | undefined): [string, T][] {
  const keys = Object.keys(map)
  // Only trust the file's order when it names exactly these keys (a YAML merge key can add others).
  const usable = order && order.length === keys.length && order.every((k) => Object.hasOwn(map, k))
  return (usable ? order : keys).map((k) => [k, map[k]!])
}
