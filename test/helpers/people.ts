import { expect } from 'vitest'
import type { SamplePlatform } from '../../src/demo/sample-platform.js'

/**
 * Local accounts of these roles, each with an API token named `<user>-cli`, made through the real command
 * line as an admin would: the tokens, by user, for their commands through `--server`.
 */
export async function peopleWithTokens(p: SamplePlatform, people: readonly (readonly [string, string])[]): Promise<Record<string, string>> {
  const tokens: Record<string, string> = {}
  for (const [user, role] of people) {
    const added = await p.cli(['user', 'add', user, '--role', role, '--password-stdin'], { input: `correct horse battery ${role}\n` })
    expect(added.code, added.stderr).toBe(0)
    const created = await p.cli(['--json', 'token', 'create', `${user}-cli`, '--user', user])
    expect(created.code, created.stderr).toBe(0)
    tokens[user] = (JSON.parse(created.stdout) as { token: string }).token
  }
  return tokens
}
