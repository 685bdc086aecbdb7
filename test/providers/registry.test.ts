import { readdirSync, readFileSync } from 'node:fs'
import { join, relative, resolve } from 'node:path'
import { describe, expect, it } from 'vitest'
import { configJsonSchema } from '../../src/config/json-schema.js'
import type { ResolvedComponent } from '../../src/config/types.js'
import { UserError } from '../../src/core/errors.js'
import { providerFactories, providerFor, providerKinds } from '../../src/providers/registry.js'

describe('provider registry', () => {
  it('knows every kind the configuration can name', () => {
    expect([...providerKinds].sort()).toEqual(['command', 'local-release'])
  })

  it('gives each component the provider of its kind', () => {
    const release = { name: 'web', provider: 'local-release' } as ResolvedComponent
    const command = { name: 'edge', provider: 'command' } as ResolvedComponent
    expect(providerFor(release).kind).toBe('local-release')
    expect(providerFor(command).kind).toBe('command')
  })

  it('an unknown kind (unvalidated input) is a UserError listing the known ones', () => {
    const odd = { name: 'db', provider: 'postgres' } as unknown as ResolvedComponent
    expect(() => providerFor(odd)).toThrow(UserError)
    expect(() => providerFor(odd)).toThrow(/unknown provider "postgres"; known: local-release, command/)
  })

  it("the configuration's component kinds and their JSON Schema are the registry's, in its order", () => {
    const schema = configJsonSchema() as any
    const components = schema.properties.apps.additionalProperties.properties.components.additionalProperties.oneOf
    expect(components.map((o: any) => o.properties.provider.const)).toEqual(providerFactories.map((f) => f.kind))
  })

  it('no code outside a provider’s own folder branches on a kind’s name', () => {
    const src = resolve(import.meta.dirname, '../../src')
    const offending: string[] = []
    for (const file of tsFiles(src)) {
      const rel = relative(src, file)
      if (rel === 'providers/registry.ts') continue
      const text = readFileSync(file, 'utf8')
      for (const kind of providerKinds) {
        if (rel.startsWith(`providers/${kind}/`)) continue
        const named = new RegExp(
          `provider\\s*(?:[!=]==?|:)\\s*(?:z\\.literal\\()?['"\`]${kind}['"\`]|['"\`]${kind}['"\`]\\s*[!=]==?\\s*[\\w.?]*provider\\b`,
        )
        if (named.test(text)) offending.push(`${rel}: ${kind}`)
      }
    }
    expect(offending).toEqual([])
  })
})

function tsFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? tsFiles(join(dir, e.name)) : e.name.endsWith('.ts') ? [join(dir, e.name)] : [],
  )
}
