import { describe } from 'vitest'
import type { Engine } from '../helpers/state-engines.js'
import { auditChainCases } from './cases/audit-chain.js'
import { auditCheckpointCases } from './cases/audit-checkpoints.js'
import { migrationCases } from './cases/migrations.js'
import { targetLockCases } from './cases/target-locks.js'

/**
 * What every state engine must do, run against a real instance of it: its settings pick it, it migrates and
 * upgrades, write transactions serialise the audit chain and the rollback target locks, and checkpoints catch
 * a rewritten chain. The services above the state run the same Kysely code on every engine, so this suite is
 * where the engines may differ and must not.
 */
export function stateConformance(engine: Engine): void {
  describe(`state conformance: ${engine.name}`, () => {
    migrationCases(engine)
    targetLockCases(engine)
    auditChainCases(engine)
    auditCheckpointCases(engine)
  })
}
