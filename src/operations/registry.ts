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
  incidentAssessOperation,
  incidentDeclareOperation,
  incidentEscalateOperation,
  incidentListOperation,
  incidentNoteOperation,
  incidentPostmortemOperation,
  incidentResolveOperation,
  incidentShowOperation,
} from './incidents.js'
import { incidentActionAddOperation, incidentActionDoneOperation, incidentActionListOperation } from './incident-actions.js'
import { snapshotVerifyOperation, validateOperation } from './inspect.js'
import { drillRunOperation } from './drills.js'
import { freezeOperation, preflightOperation, unfreezeOperation } from './deploy-gate.js'
import { monitorOnceOperation } from './monitor.js'
import type { Operation } from './operation.js'
import {
  snapshotCreateOperation,
  snapshotListOperation,
  snapshotMarkGoodOperation,
  snapshotPruneOperation,
  snapshotShowOperation,
} from './snapshots.js'
import {
  pendingRollbackDismissOperation,
  pendingRollbackRunOperation,
  rollbackAbandonOperation,
  rollbackPreviewOperation,
  rollbackResumeOperation,
  rollbackRunOperation,
} from './rollbacks.js'
import { statusOperation } from './status.js'
import { tokenCreateOperation, tokenListOperation, tokenRevokeOperation } from './tokens.js'
import { userAddOperation, userDisableOperation, userListOperation, userPasswdOperation } from './users.js'
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
  rollbackPreviewOperation,
  rollbackRunOperation,
  pendingRollbackRunOperation,
  pendingRollbackDismissOperation,
  rollbackResumeOperation,
  rollbackAbandonOperation,
  incidentDeclareOperation,
  incidentListOperation,
  incidentShowOperation,
  incidentPostmortemOperation,
  incidentNoteOperation,
  incidentEscalateOperation,
  incidentResolveOperation,
  incidentActionAddOperation,
  incidentActionDoneOperation,
  incidentActionListOperation,
  incidentAssessOperation,
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
  userAddOperation,
  userDisableOperation,
  userPasswdOperation,
  userListOperation,
  tokenCreateOperation,
  tokenListOperation,
  tokenRevokeOperation,
  drillRunOperation,
  watchRunOperation,
  monitorOnceOperation,
  preflightOperation,
  freezeOperation,
  unfreezeOperation,
]
