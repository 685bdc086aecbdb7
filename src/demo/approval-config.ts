/**
 * A platform with the seeds' decision matrix for the approval tests and the approval bench: staff (one approver) and inventory (the
 * two-person rule), team-lead's approval requests and the security channel on signed webhooks to `hookUrl`.
 * No trigger unless `staffTrigger` gives staff one: the people of the tests decide, and the monitor a `lastgood
 * serve` runs does not roll back behind them.
 */
export const HOOK_SECRET = 'approval-test-secret-0123'

export function approvalConfig(hookUrl: string, database = '', opts: { staffTrigger?: string } = {}): string {
  const trigger = (name: string) => (name === 'staff' && opts.staffTrigger ? opts.staffTrigger : '{ kind: off }')
  const app = (name: string, priority: number, extra = '') => `  ${name}:
    priority: ${priority}
${extra}    health: { checks: [{ name: health, url: "http://127.0.0.1:\${CLINIC_${name.toUpperCase()}_PORT}/health" }] }
    triggers: { health: ${trigger(name)} }
    components:
      release: { provider: local-release, path: ./apps/${name} }
`
  return `version: 1
platform: test
${database}defaults:
  health: { interval: 1s, timeout: 2s }
  rollback: { validation: { window: 10s, passes: 2, interval: 200ms } }
decision_matrix:
  error_rate:                 { rollback: automatic, target: 2m,  approval: none }
  performance_degradation:    { rollback: manual,    target: 5m,  approval: required }
  security_incident:          { rollback: emergency, target: 1m,  approval: required }
  data_corruption:            { rollback: emergency, target: 30s, approval: required }
  partial_functionality_loss: { rollback: manual,    target: 10m, approval: required }
  emergency:                  { rollback: emergency, target: rto, approval: none, flagged: true }
approvals:
  expire_after: 15m
auth:
  roles:
    team-lead: { channels: [leads] }
    security: { channels: [soc] }
notifications:
  channels:
    leads: { type: webhook, url: "${hookUrl}/leads", secret: ${HOOK_SECRET} }
    soc: { type: webhook, url: "${hookUrl}/soc", secret: ${HOOK_SECRET} }
    ops: { type: webhook, url: "${hookUrl}/ops", secret: ${HOOK_SECRET} }
  incidents: [ops]
apps:
${app('staff', 1)}${app('inventory', 2, '    approvals: 2\n')}`
}
