import { describe, expect, it } from 'vitest'
import type { ResolvedComponent } from '../../src/config/types.js'
import { UserError } from '../../src/core/errors.js'
import { providerFor, providerKinds } from '../../src/providers/registry.js'

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
})
