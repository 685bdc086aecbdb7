import type { ConfigYaml } from './schema.js'
import type { ResolvedSchedule } from './types.js'

/** The schedules in name order, each with the channels it tells (notifications.incidents unless it names its own). */
export function resolveSchedules(config: ConfigYaml): ResolvedSchedule[] {
  return Object.entries(config.schedules)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([name, s]) => {
      const base = { name, cron: s.cron, timezone: s.timezone, notify: s.notify ?? config.notifications.incidents }
      switch (s.run) {
        case 'snapshot-create':
        case 'snapshot-prune':
          return { ...base, job: s.run, apps: s.apps }
        case 'snapshot-verify':
          return { ...base, job: s.run, readData: s.read_data }
        case 'drill':
          return { ...base, job: s.run, scenarios: s.scenario }
      }
    })
}
