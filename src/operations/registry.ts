import { auditExportOperation, auditLogOperation, auditVerifyOperation, complianceReportOperation } from './audit.js'
import { incidentListOperation, incidentShowOperation } from './incidents.js'
import type { Operation } from './operation.js'
import { snapshotListOperation, snapshotShowOperation } from './snapshots.js'
import { statusOperation } from './status.js'

/** Every operation: the server makes a route of each, and the parity test finds each command's here. */
export const OPERATIONS: readonly Operation[] = [
  statusOperation,
  snapshotListOperation,
  snapshotShowOperation,
  incidentListOperation,
  incidentShowOperation,
  auditVerifyOperation,
  auditLogOperation,
  auditExportOperation,
  complianceReportOperation,
]
