import { z } from 'zod'
import { appStatuses } from '../inspect/app-status.js'
import { listPendingRollbacks } from '../monitor/monitor-store.js'
import { fullDisks } from '../platform/full-disks.js'
import { freezesInForce } from '../gates/freeze-store.js'
import { selectApps } from '../platform/platform.js'
import { overdueSummary } from '../recovery/action-items.js'
import { listIncidents } from '../recovery/incident-store.js'
import { scheduleStatuses } from '../schedules/schedule-status.js'
import { operation } from './operation.js'
import { listInput } from './input-fields.js'

/**
 * Per app what runs now, its last rollback, health and rollback targets; pending rollbacks, open incidents,
 * deploy freezes, overdue action items, full disks; and each schedule's next and last run, with a failed,
 * interrupted or overdue one as its problem.
 */
export const statusOperation = operation({
  name: 'status',
  summary:
    'Per app: what runs now, the last rollback, health and rollback targets; pending rollbacks, open incidents, deploy freezes, overdue action items, full disks; schedules',
  method: 'GET',
  path: '/status',
  permission: 'read',
  readOnly: true,
  shared: true,
  input: z.object({ app: listInput(z.string()).describe('Apps to show (default: all).') }),
  async run(p, input) {
    const selected = selectApps(p.config, input.app)
    const names = selected.map((a) => a.name)
    const apps = await appStatuses(p, selected)
    const pendingRollbacks = await listPendingRollbacks(p.state.db, names)
    const openIncidents = (await listIncidents(p.state.db, { open: true })).filter((i) => i.scope.some((a) => names.includes(a)))
    const freezes = await freezesInForce(p.state.db, Date.now(), names)
    const overdueActionItems = await overdueSummary(p.state.db, names)
    const disks = await fullDisks(p.config)
    const schedules = await scheduleStatuses(p.state.db, p.config.schedules, new Date())
    return {
      result: {
        platform: p.config.platform,
        apps,
        pendingRollbacks,
        openIncidents,
        freezes,
        overdueActionItems,
        fullDisks: disks,
        schedules,
      },
      exitCode: 0,
    }
  },
})

export type StatusResult = Awaited<ReturnType<typeof statusOperation.run>>['result']
