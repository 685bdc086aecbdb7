import type { IncidentType } from '../config-parts/incident-vocabulary.js'
import type { Scenario } from '../config-parts/decision-vocabulary.js'

/**
 * How every action gets its scenario, the row of the decision matrix that decides it. Pure: the callers
 * (the rollback command, the monitor, incidents, the approval engine) say who acts and what the plan restores.
 */

/** A trigger names its own (`scenario:`, default error_rate); this is the default of a person's rollback (seed 000). */
export const PERSON_SCENARIO: Scenario = 'partial_functionality_loss'

/** Incident types as the seeds' decision matrix groups them. */
export const INCIDENT_SCENARIOS: Readonly<Record<IncidentType, Scenario>> = {
  security_incident: 'security_incident',
  data_breach_suspected: 'security_incident',
  data_corruption: 'data_corruption',
  performance_degradation: 'performance_degradation',
  critical_application_failure: 'partial_functionality_loss',
  complete_system_failure: 'emergency',
  general_emergency: 'emergency',
}

/** Who or what asks for the action. */
export type ActionSource =
  | { by: 'trigger'; trigger: { scenario: Scenario } }
  /** `scenario`: what the person named (`--scenario`); absent: PERSON_SCENARIO. */
  | { by: 'person'; scenario?: Scenario }
  | { by: 'incident'; type: IncidentType }

/**
 * The scenario of an action that restores `restores`: data_corruption when any of them holds data
 * (`data: true`), whatever else was named, because restoring data loses every write since the snapshot;
 * otherwise the one the source gives.
 */
export function scenarioOf(source: ActionSource, restores: readonly { data?: boolean }[] = []): Scenario {
  if (restores.some((c) => c.data === true)) return 'data_corruption'
  switch (source.by) {
    case 'trigger':
      return source.trigger.scenario
    case 'person':
      return source.scenario ?? PERSON_SCENARIO
    case 'incident':
      return INCIDENT_SCENARIOS[source.type]
  }
}
