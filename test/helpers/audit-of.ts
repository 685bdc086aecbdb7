import { listAudit } from '../../src/audit/audit-log.js'
import type { AuditEvent } from '../../src/audit/audit-event.js'
import { type SamplePlatform, withEnv } from '../../src/demo/sample-platform.js'
import { openPlatform } from '../../src/platform/open-platform.js'

/** Every audit event of a sample platform, read through a platform of its own, as another process would. */
export async function auditOf(sample: SamplePlatform): Promise<AuditEvent[]> {
  const platform = await withEnv(sample.env, () => openPlatform(sample.configFile))
  try {
    return await listAudit(platform.state.db)
  } finally {
    await platform.close()
  }
}
