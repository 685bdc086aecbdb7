import type { Command } from 'commander'
import type { AppStatus } from '../../inspect/app-status.js'
import type { PendingRollback } from '../../monitor/monitor-store.js'
import { statusOperation } from '../../operations/status.js'
import type { FullDisk } from '../../platform/full-disks.js'
import type { Freeze } from '../../gates/freeze-store.js'
import type { ActionItem } from '../../recovery/action-items.js'
import type { Incident } from '../../recovery/incident.js'
import type { ScheduleStatus } from '../../schedules/schedule-status.js'
import { globals } from '../global-options.js'
import { invoke } from '../invoke.js'
import { formatBytes, printJson, println, table, wrap } from '../output.js'

export async function statusAction(apps: string[], _opts: unknown, cmd: Command): Promise<number> {
  const g = globals(cmd)
  const { result: r, exitCode } = await invoke(g, statusOperation, { app: apps })
  if (g.json) printJson(r)
  else
    println(
      render(r.platform, r.apps) +
        renderLeftovers(r.apps) +
        renderOpen(r.pendingRollbacks, r.openIncidents) +
        renderFreezes(r.freezes) +
        renderOverdue(r.overdueActionItems) +
        renderSchedules(r.schedules) +
        renderFull(r.fullDisks),
    )
  return exitCode
}

function render(platform: string, apps: AppStatus[]): string {
  const rows = apps.map((a) => [
    a.app,
    String(a.priority),
    a.components.map((c) => `${c.name}=${c.version ?? `? (${c.error})`}`).join(' '),
    a.lastRollback ? `${a.lastRollback.id} ${a.lastRollback.status}` : '',
    a.health.state === 'failed'
      ? `FAILED (${a.health.probes
          .filter((x) => !x.ok)
          .map((x) => x.error)
          .join('; ')})`
      : a.health.state,
  ])
  return `platform ${platform}\n\n${table(['APP', 'PRIO', 'RUNNING', 'LAST ROLLBACK', 'HEALTH'], rows)}\n\n${renderTargets(apps)}`
}

/** Per component, what a rollback would restore now: never a safety snapshot or a rejected release. */
function renderTargets(apps: AppStatus[]): string {
  const rows = apps.flatMap((a) => a.components.map((c) => [a.app, c.name, c.version ?? '?', target(c)]))
  const heading = "rollback targets (data components are restored only when named: --component, or a runbook's restore_data)"
  return `${wrap(heading)}\n${table(['APP', 'COMPONENT', 'RUNNING', 'A ROLLBACK RESTORES'], rows)}`
}

function target(c: AppStatus['components'][number]): string {
  const t = c.rollbackTarget
  return t
    ? `${t.version} from ${t.snapshot} (${t.kind}, ${t.createdAt.replace('T', ' ').slice(0, 19)})`
    : `none: ${c.noRollbackTarget ?? ''}`
}

function renderLeftovers(apps: AppStatus[]): string {
  const rows = apps.flatMap((a) => a.leftovers.map((l) => [a.app, l.component, l.path, l.createdAt, l.removedAfter ?? '']))
  if (rows.length === 0) return ''
  const title =
    'kept by retention: release copies restores moved aside (removed by the first restore after REMOVED AFTER, or when newer ones outnumber keep_last)'
  return `\n\n${wrap(title)}\n${table(['APP', 'COMPONENT', 'COPY', 'MOVED ASIDE', 'REMOVED AFTER'], rows)}`
}

function renderOverdue({ count, oldest }: { count: number; oldest: ActionItem | null }): string {
  if (!oldest) return ''
  const what = `${count} post-mortem action item${count === 1 ? ' is' : 's are'} overdue; the oldest: ${oldest.id} of ${oldest.incident}, ${oldest.owner}, due ${oldest.dueAt}: ${oldest.text} (\`lastgood incident action list --overdue\` lists them)`
  return `\n\n${wrap(what)}`
}

function renderFull(full: FullDisk[]): string {
  return full
    .map(
      (d) =>
        `\n\n${wrap(`WARNING: the disk holding ${d.path} is full (${formatBytes(d.freeBytes)} free): snapshots, rollbacks and audit events cannot be written until space is freed there`)}`,
    )
    .join('')
}

function renderFreezes(freezes: Freeze[]): string {
  if (freezes.length === 0) return ''
  return `\n\ndeploy freezes (preflight refuses these apps' deploys; \`lastgood unfreeze APP --reason R\` lifts one)\n${table(
    ['ID', 'APP', 'UNTIL', 'BY', 'SINCE', 'WHY'],
    freezes.map((f) => [f.id, f.app, f.until, f.frozenBy, f.frozenAt, f.reason]),
  )}`
}

function renderOpen(pending: PendingRollback[], incidents: Incident[]): string {
  let out = ''
  if (pending.length > 0) {
    out += `\n\npending rollbacks (run one with \`lastgood rollback --pending ID --yes\`)\n`
    out += table(
      ['ID', 'APP', 'TARGET', 'SINCE', 'WHY'],
      pending.map((x) => [x.id, x.app, x.target ?? '?', x.createdAt, x.reason]),
    )
  }
  if (incidents.length > 0) {
    out += '\n\nopen incidents (`lastgood incident show ID` for the timeline)\n'
    out += table(
      ['ID', 'TYPE', 'SEVERITY', 'STATUS', 'LEVEL', 'SCOPE', 'OPENED', 'WHY'],
      incidents.map((i) => [i.id, i.type, i.severity, i.status, String(i.level), i.scope.join(','), i.openedAt, i.reason]),
    )
  }
  return out
}

/** Each schedule's next and last run; a failed, interrupted or overdue one says so in PROBLEM. */
function renderSchedules(schedules: ScheduleStatus[]): string {
  if (schedules.length === 0) return ''
  const time = (iso: string | null) => (iso ? iso.replace('T', ' ').slice(0, 19) : '')
  const rows = schedules.map((s) => [
    s.name,
    s.job,
    `${s.cron} (${s.timezone})`,
    s.running ? `running since ${time(s.running.startedAt)}` : time(s.nextRun),
    s.lastRun ? `${s.lastRun.outcome} ${time(s.lastRun.endedAt)}` : 'never',
    s.lastMissed ? `${s.lastMissed.count} (${time(s.lastMissed.from)} to ${time(s.lastMissed.to)})` : '',
    s.problem ?? '',
  ])
  return `\n\nschedules (run by \`lastgood serve\`; times UTC)\n${table(['SCHEDULE', 'JOB', 'CRON', 'NEXT', 'LAST RUN', 'LAST MISSED', 'PROBLEM'], rows)}`
}
