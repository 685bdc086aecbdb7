import {
  approvalApproveOperation,
  approvalListOperation,
  approvalRejectOperation,
  approvalShowOperation,
  approvalWaitOperation,
  reviewCloseOperation,
  reviewListOperation,
} from './approvals.js'
import { auditExportOperation, auditLogOperation, auditVerifyOperation, complianceReportOperation } from './audit.js'
import {
  incidentDeclareOperation,
  incidentEscalateOperation,
  incidentListOperation,
  incidentNoteOperation,
  incidentPostmortemOperation,
  incidentResolveOperation,
  incidentShowOperation,
} from './incidents.js'
import { snapshotVerifyOperation, validateOperation } from './inspect.js'
import { drillRunOperation } from './drills.js'
import { monitorOnceOperation } from './monitor.js'
import type { Operation } from './operation.js'
import {
  snapshotCreateOperation,
  snapshotListOperation,
  snapshotMarkGoodOperation,
  snapshotPruneOperation,
  snapshotShowOperation,
} from './snapshots.js'
import { statusOperation } from './status.js'
import { watchRunOperation } from './watch.js'

/** Every operation: the server makes a route of each, and the parity test finds each command's here. */
export const OPERATIONS: readonly Operation[] = [
  statusOperation,
  validateOperation,
  snapshotListOperation,
  snapshotShowOperation,
  snapshotVerifyOperation,
  snapshotMarkGoodOperation,
  snapshotCreateOperation,
  snapshotPruneOperation,
  incidentDeclareOperation,
  incidentListOperation,
  incidentShowOperation,
  incidentPostmortemOperation,
  incidentNoteOperation,
  incidentEscalateOperation,
  incidentResolveOperation,
  auditVerifyOperation,
  auditLogOperation,
  auditExportOperation,
  complianceReportOperation,
  approvalListOperation,
  approvalShowOperation,
  approvalApproveOperation,
  approvalRejectOperation,
  approvalWaitOperation,
  reviewListOperation,
  reviewCloseOperation,
  drillRunOperation,
  watchRunOperation,
  monitorOnceOperation,
]
