import { resolveChannel } from '../channels/channel-registry.js'
import type { RunbookStepYaml } from './recovery-schema.js'
import type { IncidentType } from '../config-parts/incident-vocabulary.js'
import { resolvePath } from './resolve-path.js'
import type { ConfigYaml } from './schema.js'
import type { ResolvedConfig, ResolvedRunbookStep } from './types.js'

type RecoveryPart = Pick<ResolvedConfig, 'notifications' | 'escalation' | 'continuity' | 'runbooks'>

/** The disaster-recovery settings in milliseconds and absolute paths (see resolve-config.ts). */
export function resolveRecovery(config: ConfigYaml, dir: string): RecoveryPart {
  const n = config.notifications
  return {
    notifications: {
      channels: Object.entries(n.channels).map(([name, c]) => resolveChannel(name, c)),
      incidents: n.incidents,
      timeoutMs: n.timeout,
      retry: { attempts: n.retry.attempts, backoffMs: n.retry.backoff, maxBackoffMs: n.retry.max_backoff },
      statusUpdateMs: n.status_updates,
      templates: { ...n.templates },
    },
    escalation: config.escalation.levels.map((l, i) => ({
      level: i + 1,
      afterMs: l.after,
      notify: l.notify,
      activateContinuity: l.activate_continuity,
      actions: l.actions,
    })),
    continuity: Object.entries(config.continuity).map(([name, p]) => ({
      name,
      function: p.function,
      apps: p.apps,
      fallback: p.fallback,
      maxDowntimeMs: p.max_downtime,
      notify: p.notify,
    })),
    runbooks: Object.fromEntries(
      Object.entries(config.runbooks).map(([type, steps]) => [type as IncidentType, steps.map((s) => resolveStep(s, dir))]),
    ),
  }
}

function resolveStep(s: RunbookStepYaml, dir: string): ResolvedRunbookStep {
  const onFailure = s.on_failure
  switch (s.step) {
    case 'preserve_evidence':
      return { kind: 'preserve_evidence', logs: s.logs.map((l) => resolvePath(dir, l)), onFailure }
    case 'isolate':
    case 'stop_writes':
      return { kind: 'hook', name: s.step, run: s.run, timeoutMs: s.timeout, onFailure }
    case 'command':
      return { kind: 'hook', name: s.name, run: s.run, timeoutMs: s.timeout, onFailure }
    case 'notify':
      return { kind: 'notify', channels: s.channels, onFailure }
    case 'breach_assessment':
      return {
        kind: 'breach_assessment',
        notify: s.notify,
        deadlineMs: s.deadline,
        remindMs: [...new Set(s.remind)].sort((a, b) => b - a),
        escalateWithinMs: s.escalate_within,
        onFailure,
      }
    case 'rollback':
      return { kind: 'rollback', ...(s.components ? { components: s.components } : {}), onFailure }
    case 'restore_data':
      return { kind: 'restore_data', onFailure }
    case 'recover':
      return { kind: 'recover', onFailure }
  }
}
