import { readFile } from 'node:fs/promises'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { TEMPLATE_NAMES } from '../../src/config-parts/incident-vocabulary.js'
import { TEMPLATE_PLACEHOLDERS } from '../../src/config/recovery-schema.js'
import { PACKAGE_ROOT } from '../../src/core/package-root.js'

// docs/disaster-recovery.md lists every message template and every placeholder a template may use: a new one
// that the docs lack fails here, not in a reader's configuration.
describe('the templates documented', () => {
  it('are exactly the templates and placeholders lastgood knows', async () => {
    const docs = await readFile(join(PACKAGE_ROOT, 'docs/disaster-recovery.md'), 'utf8')
    const section = docs.slice(docs.indexOf('### Templates'), docs.indexOf('## Incident reports'))
    const table = section.slice(0, section.indexOf('Placeholders:'))
    const listed = [...table.matchAll(/^\| (.+?) \|/gm)].flatMap((m) => [...m[1]!.matchAll(/`([a-z_]+)`/g)].map((n) => n[1]!))
    expect(listed.sort()).toEqual([...TEMPLATE_NAMES].sort())
    const placeholders = [...section.slice(section.indexOf('Placeholders:')).matchAll(/`([a-z_]+)`/g)].map((m) => m[1]!)
    expect(placeholders.sort()).toEqual([...TEMPLATE_PLACEHOLDERS].sort())
  })
})
