import { readFile } from 'node:fs/promises'
import path from 'node:path'
import { describe, expect, it } from 'vitest'
import { configReference } from '../../src/config/config-reference.js'

const DOC = path.resolve(import.meta.dirname, '../../docs/configuration.md')

describe('the configuration reference', () => {
  const reference = configReference()

  it('is docs/configuration.md, word for word (regenerate: lastgood config reference > docs/configuration.md)', async () => {
    expect(await readFile(DOC, 'utf8')).toBe(reference)
  })

  it('lists triggers, the monitor, notifications, runbooks and every component kind, with defaults and ranges', () => {
    for (const key of [
      '`defaults.health.interval` | duration | `30s` | Time between two probes of an app. Range: 1ms to 365d.',
      '`defaults.triggers.<name>.above (kind: error_rate)`',
      '`monitor.watch_for` | duration | `10m`',
      '`notifications.channels.<name>.webhook_url (type: slack)`',
      '`runbooks.<name>[]',
      '`apps.<name>.components.<name>.restart (provider: local-release)`',
      '`apps.<name>.components.<name>.capture (provider: command)`',
      '`repository.compression_level` | integer ≥ 1 ≤ 22 | `3`',
    ])
      expect(reference).toContain(key)
  })
})
