import type { TemplateName } from '../config-parts/incident-vocabulary.js'

/**
 * The seeds' communication templates (rollback initiation and completion verbatim, with the platform's name
 * for "Clinical Trial Platform"), and the other messages written in the same shape. A config overrides any
 * of them under notifications.templates; placeholders are {{name}} from TEMPLATE_PLACEHOLDERS.
 */
export const DEFAULT_TEMPLATES: Record<TemplateName, string> = {
  incident_declared: `INCIDENT DECLARED - {{platform}}

Incident: {{incident}} ({{type}})
Issue: {{issue}}
Severity: {{severity}}
Affected Apps: {{scope}}
Declared by: {{actor}} at {{at}}
Escalation Level: {{level}}

Actions Planned:
{{actions}}

Next Updates: Every {{update_interval}}`,

  rollback_initiated: `ROLLBACK ALERT - {{platform}}

Issue: {{issue}}
Severity: {{severity}}
Affected Components: {{components}}
Rollback Status: IN PROGRESS
ETA: {{eta}}

Actions Taken:
{{actions}}

Next Updates: Every {{update_interval}}`,

  rollback_complete: `ROLLBACK COMPLETE - {{platform}}

Issue: {{issue}}
Resolution: Rollback to version {{version}}
Duration: {{duration}}
Impact: {{impact}}

System Status: {{system_status}}
Monitoring: ACTIVE

Post-Mortem: Scheduled for {{post_mortem}}`,

  status_update: `STATUS UPDATE - {{platform}}

Incident: {{incident}} ({{type}})
Issue: {{issue}}
Status: {{status}}
Escalation Level: {{level}}
Elapsed: {{elapsed}}

Progress:
{{actions}}

Estimated Resolution: {{eta}}
Next Updates: Every {{update_interval}}`,

  escalation: `ESCALATION LEVEL {{level}} - {{platform}}

Incident: {{incident}} ({{type}})
Issue: {{issue}}
Severity: {{severity}}
Open for: {{elapsed}}
Affected Apps: {{scope}}

Required at this level:
{{level_actions}}`,

  continuity_activated: `CONTINUITY PLAN ACTIVATED - {{platform}}

Function: {{function}}
Down: {{scope}}
Switch to: {{fallback}}
Maximum downtime: {{max_downtime}}

Reason: {{reason}}`,

  continuity_breached: `CONTINUITY BREACH - {{platform}}

Function: {{function}} has been down {{downtime}}, past its maximum of {{max_downtime}}.
Keep using: {{fallback}}
Incident: {{incident}} escalated to level {{level}}`,

  runbook_step_failed: `RUNBOOK STEP FAILED - {{platform}}

Incident: {{incident}} ({{type}})
Step: {{step}}
Error: {{error}}
Next: {{actions}}`,

  incident_resolved: `INCIDENT RESOLVED - {{platform}}

Incident: {{incident}} ({{type}})
Issue: {{issue}}
Summary: {{summary}}
Duration: {{duration}}
Resolved by: {{actor}}

System Status: OPERATIONAL
Post-Mortem: lastgood incident postmortem {{incident}}`,

  rollback_superseded: `ROLLBACK SUPERSEDED - {{platform}}

Affected Apps: {{scope}}
Found: {{issue}}
Action: nothing restored; the live release is watched as a new deploy
Rollback: {{summary}}`,

  approval_requested: `APPROVAL NEEDED - {{platform}}

Request: {{approval}} ({{type}})
Requested by: {{actor}} at {{at}}
Reason: {{reason}}
Affected Apps: {{scope}}
Plan:
{{plan}}

Approval by: {{approvers}}
Target time: {{target_time}} (the request expires {{expires}})
Approve: {{command}}`,

  approval_escalated: `APPROVAL OVERDUE - {{platform}}

Request: {{approval}} ({{type}}) is undecided past its target time {{target_time}}
Requested by: {{actor}}
Reason: {{reason}}
Affected Apps: {{scope}}
Plan:
{{plan}}

Approval by: {{approvers}} (the request expires {{expires}})
Approve: {{command}}`,

  break_glass: `BREAK-GLASS - {{platform}}

Emergency access {{approval}} opened by {{actor}} at {{at}}
Reason: {{reason}}
Affected Apps: {{scope}}
Valid until: {{expires}}
Actions under it run without approval and are reviewed afterwards: {{command}}`,

  action_item_overdue: `ACTION ITEM OVERDUE - {{platform}}

Incident: {{incident}} ({{type}})
Issue: {{issue}}
Action Item: {{action_item}}
Owner: {{owner}}
Due: {{due}}

Mark done: {{command}}`,
  breach_assessment_due: `BREACH ASSESSMENT DUE - {{platform}}

Incident: {{incident}} ({{type}})
Issue: {{issue}}
Discovered: {{discovered}}
Assessment Due: {{deadline}} ({{time_left}})
Incident Status: {{status}}

Required:
{{actions}}

Record the outcome: {{command}}`,
  schedule_failed: `SCHEDULED RUN FAILED - {{platform}}

Schedule: {{schedule}} ({{job}})
Due: {{due}}
Outcome: {{status}}
Error: {{error}}
Next run: {{next}}
See: {{command}}`,

  schedule_missed: `SCHEDULED RUN MISSED - {{platform}}

Schedule: {{schedule}} ({{job}})
Missed: {{summary}}
Why: {{reason}}
Catch-up: the latest due run starts now
Next run: {{next}}`,
}

const PLACEHOLDER = /\{\{\s*([a-z_]+)\s*\}\}/g

/** Fills {{name}} in; a value not given reads "n/a", so a message never shows a raw placeholder. */
export function renderTemplate(text: string, vars: Record<string, string>): string {
  return text.replace(PLACEHOLDER, (_m, name: string) => vars[name] ?? 'n/a')
}

export function templateText(name: TemplateName, overrides: Partial<Record<TemplateName, string>>): string {
  return overrides[name] ?? DEFAULT_TEMPLATES[name]
}
