import { z } from 'zod'
import { loadCheckpoints } from '../audit/audit-checkpoint.js'
import { buildComplianceReport } from '../audit/compliance-report.js'
import { listAudit } from '../audit/audit-log.js'
import { verifyAudit } from '../audit/verify-audit.js'
import { UserError } from '../core/errors.js'
import type { Platform } from '../platform/platform.js'
import { isoTime } from './input-fields.js'
import { operation } from './operation.js'

const filterInput = z.object({
  since: isoTime('Only events at or after this time.'),
  limit: z.coerce.number({ error: 'expected a positive whole number' }).int().min(1).optional().describe('At most this many events.'),
})

function checkpointsOf(p: Platform) {
  return loadCheckpoints(p.repository, { copyFile: p.config.audit.checkpointFile })
}

export const auditVerifyOperation = operation({
  name: 'audit.verify',
  summary: 'Recompute the audit chain and compare it with every checkpoint',
  method: 'GET',
  path: '/audit/verify',
  permission: 'read',
  readOnly: false,
  input: z.object({}),
  async run(p) {
    const report = await verifyAudit(p.state.db, { checkpoints: await checkpointsOf(p) })
    return { result: report, exitCode: report.ok ? 0 : 1 }
  },
})

export const auditLogOperation = operation({
  name: 'audit.log',
  summary: 'Audit events, oldest first',
  method: 'GET',
  path: '/audit/events',
  permission: 'read',
  readOnly: false,
  input: filterInput,
  async run(p, input) {
    return { result: { events: await listAudit(p.state.db, input) }, exitCode: 0 }
  },
})

/** Every event with its hashes, for an archive outside lastgood; the CLI prints them as JSON lines. */
export const auditExportOperation = operation({
  name: 'audit.export',
  summary: 'Every audit event with its hashes',
  method: 'GET',
  path: '/audit/export',
  permission: 'audit-export',
  readOnly: false,
  input: filterInput.pick({ since: true }),
  async run(p, input) {
    return { result: { events: await listAudit(p.state.db, input) }, exitCode: 0 }
  },
})

export const complianceReportOperation = operation({
  name: 'report.compliance',
  summary: 'Recovery actions with approvals and break-glass, and the chain verified',
  method: 'GET',
  path: '/reports/compliance',
  permission: 'read',
  readOnly: false,
  input: z.object({
    since: isoTime('Recovery actions at or after this time.'),
    until: isoTime('Recovery actions at or before this time.'),
  }),
  async run(p, input) {
    const { since, until } = input
    if (since && until && since > until) throw new UserError(`--since ${since} is after --until ${until}: nothing can fall in that window`)
    const report = await buildComplianceReport(p.state.db, {
      platform: p.config.platform,
      checkpoints: await checkpointsOf(p),
      ...(since ? { since } : {}),
      ...(until ? { until } : {}),
    })
    return { result: report, exitCode: report.chain.ok ? 0 : 1 }
  },
})
