import type { Command } from 'commander'
import { initPlatform } from '../../platform/init-platform.js'
import { actorOf, globals } from '../global-options.js'
import { printJson, println, WIDTH, wrap } from '../output.js'

export async function initAction(opts: { example?: string }, cmd: Command): Promise<number> {
  const g = globals(cmd)
  const actor = actorOf(g)
  const r = await initPlatform({
    ...(g.config ? { configFile: g.config } : {}),
    ...(opts.example ? { example: opts.example } : {}),
    actor,
  })
  if (g.json) {
    printJson({
      config: r.config.file,
      wroteConfig: r.wroteConfig,
      created: r.created,
      kept: r.kept,
      stateDir: r.config.stateDir,
      repository: r.config.repository.path,
      keyMode: r.keyMode,
      keyFile: r.keyMode === 'key-file' ? r.config.repository.keyFile : null,
    })
    return 0
  }
  if (r.wroteConfig) println(`wrote ${r.config.file}`)
  for (const k of r.kept) println(wrap(`kept: ${k}`, WIDTH, '  '))
  if (!r.created) {
    println('nothing else to do: this configuration is initialised')
    return 0
  }
  println(`state      ${r.config.stateDir}`)
  println(`repository ${r.config.repository.path}`)
  println(
    r.keyMode === 'passphrase'
      ? 'key        protected by LASTGOOD_PASSWORD (keep the passphrase safe: without it no snapshot can be read)'
      : `key        ${r.config.repository.keyFile} (mode 0600)\n           keep a copy somewhere safe: without it no snapshot can be read`,
  )
  return 0
}
