import { UserError } from '../core/errors.js'
import type { StateDb } from '../state/open-state.js'
import type { IncidentTable } from '../state/schema.js'
import type { Incident, IncidentStatus, IncidentType, Severity } from './incident.js'

/** Incident rows. Writers pass the write transaction they hold, so a change commits with its timeline entry. */

export async function insertIncident(tx: StateDb, i: Incident): Promise<void> {
  await tx.insertInto('incidents').values(toRow(i)).execute()
}

export async function findIncident(db: StateDb, id: string): Promise<Incident | undefined> {
  const r = await db.selectFrom('incidents').selectAll().where('id', '=', id).executeTakeFirst()
  return r ? fromRow(r) : undefined
}

export async function requireIncident(db: StateDb, id: string): Promise<Incident> {
  const i = await findIncident(db, id)
  if (!i) throw new UserError(`no incident "${id}"; \`lastgood incident list\` shows them`)
  return i
}

export async function listIncidents(db: StateDb, opts: { open?: boolean; since?: string } = {}): Promise<Incident[]> {
  let q = db.selectFrom('incidents').selectAll().orderBy('opened_at', 'asc')
  if (opts.open) q = q.where('status', '!=', 'resolved')
  if (opts.since) q = q.where('opened_at', '>=', opts.since)
  return (await q.execute()).map(fromRow)
}

export type IncidentPatch = Partial<
  Pick<Incident, 'status' | 'level' | 'levelAt' | 'audience' | 'summary' | 'resolvedAt' | 'resolvedBy' | 'nextUpdateAt' | 'severity'>
>

export async function updateIncident(tx: StateDb, id: string, patch: IncidentPatch): Promise<void> {
  const row: Partial<IncidentTable> = { updated_at: new Date().toISOString() }
  if (patch.status !== undefined) row.status = patch.status
  if (patch.level !== undefined) row.level = patch.level
  if (patch.levelAt !== undefined) row.level_at = patch.levelAt
  if (patch.audience !== undefined) row.audience = JSON.stringify(patch.audience)
  if (patch.summary !== undefined) row.summary = patch.summary
  if (patch.resolvedAt !== undefined) row.resolved_at = patch.resolvedAt
  if (patch.resolvedBy !== undefined) row.resolved_by = patch.resolvedBy
  if (patch.nextUpdateAt !== undefined) row.next_update_at = patch.nextUpdateAt
  if (patch.severity !== undefined) row.severity = patch.severity
  await tx.updateTable('incidents').set(row).where('id', '=', id).execute()
}

function toRow(i: Incident): IncidentTable {
  return {
    id: i.id,
    type: i.type,
    severity: i.severity,
    status: i.status,
    scope: JSON.stringify(i.scope),
    reason: i.reason,
    opened_at: i.openedAt,
    opened_by: i.openedBy,
    details: JSON.stringify(i.details),
    resolved_at: i.resolvedAt,
    level: i.level,
    level_at: i.levelAt,
    audience: JSON.stringify(i.audience),
    summary: i.summary,
    resolved_by: i.resolvedBy,
    updated_at: i.openedAt,
    next_update_at: i.nextUpdateAt,
    recovery_target: i.recoveryTarget,
  }
}

function fromRow(r: IncidentTable): Incident {
  return {
    id: r.id,
    type: r.type as IncidentType,
    severity: r.severity as Severity,
    status: r.status as IncidentStatus,
    scope: JSON.parse(r.scope) as string[],
    reason: r.reason,
    openedAt: r.opened_at,
    openedBy: r.opened_by,
    level: Number(r.level ?? 0),
    levelAt: r.level_at ?? null,
    audience: JSON.parse(r.audience ?? '[]') as string[],
    summary: r.summary ?? null,
    resolvedAt: r.resolved_at,
    resolvedBy: r.resolved_by ?? null,
    recoveryTarget: r.recovery_target ?? null,
    nextUpdateAt: r.next_update_at ?? null,
    details: JSON.parse(r.details) as Record<string, unknown>,
  }
}
