import { z } from 'zod'
import type { StateEngine } from '../state-engine.js'

/** The schema of a PostgreSQL database several replicas share, when the configuration names one (`database`). */
export const postgresEngine: StateEngine<{ database: { url: string; schema: string } }> = {
  kind: 'postgres',
  capabilities: { localDisk: false },
  configSchema: z.object({ database: z.object({ url: z.string(), schema: z.string() }) }),
  async create(config) {
    // The driver is loaded only when it is used: every command pays for what it imports.
    const { openPostgresState } = await import('./open-postgres.js')
    return openPostgresState(config.database.url, config.database.schema)
  },
}
