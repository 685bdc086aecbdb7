/** The drills lastgood runs (drills/scenarios.ts has what each does): named by `lastgood drill` and by schedules. */
export const DRILL_NAMES = ['bad-deploy', 'error-spike', 'slow-release', 'crash', 'multi-app', 'complete-system-failure'] as const
export type DrillName = (typeof DRILL_NAMES)[number]
