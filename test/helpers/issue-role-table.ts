/**
 * Issue 13, section 4, as written there ("operator +" spelled out): the oracle the role tests and the
 * route × role test check the built-in roles against, written out here rather than read from src/auth.
 */
export const ISSUE_ROLE_TABLE: Readonly<Record<string, readonly string[]>> = {
  viewer: ['read'],
  operator: ['read', 'snapshot', 'rollback', 'incident'],
  oncall: ['read', 'snapshot', 'rollback', 'incident', 'approve:performance_degradation', 'break-glass'],
  'team-lead': [
    'read',
    'snapshot',
    'rollback',
    'incident',
    'approve:performance_degradation',
    'break-glass',
    'approve:partial_functionality_loss',
    'review',
  ],
  security: ['read', 'incident', 'approve:security_incident', 'break-glass', 'review', 'audit-export'],
  dba: ['read', 'snapshot', 'rollback', 'rollback-data', 'approve:data_corruption', 'break-glass'],
  admin: ['read', 'admin'],
}
