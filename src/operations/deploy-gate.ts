import { z } from 'zod'
import { positiveDurationSchema } from '../config-parts/units.js'
import { freezeDeploys, unfreezeDeploys } from '../gates/freeze.js'
import { preflight } from '../gates/preflight.js'
import { findApp } from '../platform/platform.js'
import { flagInput, reasonInput, untilInput } from './input-fields.js'
import { operation } from './operation.js'

/** How old the pre-deploy snapshot may be, unless --max-age says otherwise. */
export const DEFAULT_SNAPSHOT_MAX_AGE = '30m'

/**
 * The deploy gate: exit 0 when a deploy of the app may go ahead, 3 (refused for now) when a check failed,
 * each failing one saying how to clear it. The document is the answer either way, not an error.
 */
export const preflightOperation = operation({
  name: 'preflight',
  summary: 'Whether a deploy may go ahead: a recent, healthy, verified pre-deploy snapshot; no open incident, rollback, approval or freeze',
  method: 'GET',
  path: '/apps/:app/preflight',
  permission: 'read',
  readOnly: true,
  input: z.object({
    app: z.string().min(1).describe('The app about to be deployed.'),
    max_age: positiveDurationSchema()
      .prefault(DEFAULT_SNAPSHOT_MAX_AGE)
      .describe(`How old the pre-deploy snapshot may be (default ${DEFAULT_SNAPSHOT_MAX_AGE}).`),
    before_snapshot: flagInput().describe('Every check but the snapshot: for the step before the pipeline takes it.'),
  }),
  async run(p, input) {
    const report = await preflight(p, findApp(p.config, input.app), { maxAgeMs: input.max_age, beforeSnapshot: input.before_snapshot })
    return { result: report, exitCode: report.ok ? 0 : 3 }
  },
})

// Freezing is incident handling, not deploying: a pipeline's token (read, snapshot, rollback for `watch`)
// cannot lift the freeze that is there to stop it, and the security role, which may not deploy, may freeze.
export const freezeOperation = operation({
  name: 'freeze',
  summary: 'Freeze the deploys of an app, or all: preflight refuses them until the freeze ends or is lifted',
  method: 'POST',
  path: '/freezes',
  permission: 'incident',
  readOnly: false,
  input: z.object({
    app: z.string().min(1).describe('The app to freeze, or all.'),
    until: untilInput().describe('When the freeze ends by itself: an ISO time, or a duration from now such as 2h.'),
    reason: reasonInput('freeze'),
  }),
  async run(p, input, { actor }) {
    return { result: { freeze: await freezeDeploys(p, input.app, input.until, { actor, reason: input.reason }) }, exitCode: 0 }
  },
})

export const unfreezeOperation = operation({
  name: 'unfreeze',
  summary: 'Lift the freezes of an app (or of all) before they end',
  method: 'POST',
  path: '/freezes/:app/lift',
  permission: 'incident',
  readOnly: false,
  input: z.object({ app: z.string().min(1).describe('The app whose freezes to lift, or all.'), reason: reasonInput('unfreeze') }),
  async run(p, input, { actor }) {
    return { result: { lifted: await unfreezeDeploys(p, input.app, { actor, reason: input.reason }) }, exitCode: 0 }
  },
})
