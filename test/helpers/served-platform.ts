import { expect } from 'vitest'
import { SamplePlatform } from '../../src/demo/sample-platform.js'
import { ServeProcess } from '../server/serve-process.js'
import { singleAppConfig } from './configs.js'
import { peopleWithTokens } from './people.js'

/** The people of a served platform: an operator (the default for `remote`) and a viewer. */
const PEOPLE = [
  ['ann', 'operator'],
  ['vic', 'viewer'],
] as const

export interface ServedPlatform {
  p: SamplePlatform
  server: ServeProcess & { url: string }
  /** The API tokens, by user. */
  tokens: Record<string, string>
  /** `lastgood --json ARGS` on this machine. */
  local(args: string[]): ReturnType<SamplePlatform['cli']>
  /** The same through the server, as the holder of `user`'s token. */
  remote(args: string[], user?: 'ann' | 'vic'): ReturnType<SamplePlatform['cli']>
  close(): Promise<void>
}

/**
 * staff v1 running, initialised (with a snapshot unless `snapshot: false`), ann (operator) and vic (viewer)
 * with API tokens, and a `lastgood serve` of it: for tests that run the same commands here and through it.
 */
export async function servedPlatform(o: { configText?: string; snapshot?: boolean } = {}): Promise<ServedPlatform> {
  const p = await SamplePlatform.create({ configText: o.configText ?? singleAppConfig() })
  await p.deploy('staff', 'v1')
  await p.startApp('staff')
  expect((await p.cli(['init'])).code).toBe(0)
  if (o.snapshot !== false) expect((await p.cli(['snapshot', 'create', 'staff'])).code).toBe(0)
  const tokens = await peopleWithTokens(p, PEOPLE)
  const server = await ServeProcess.start(p)
  return {
    p,
    server,
    tokens,
    local: (args) => p.cli(['--json', ...args]),
    remote: (args, user = 'ann') => p.cli(['--json', '--server', server.url, ...args], { env: { LASTGOOD_TOKEN: tokens[user]! } }),
    async close() {
      await server.stop('SIGKILL')
      await p.destroy()
    },
  }
}
