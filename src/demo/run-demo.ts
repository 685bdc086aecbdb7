/**
 * `npm run demo`: the main job of lastgood, told in plain words, on real processes. Five sample clinic
 * apps run as local HTTP services; v1 is deployed and snapshotted; a broken v2 of staff is deployed; we
 * see it fail, preview the rollback, ask for it and have it approved, watch validation, and verify the audit trail. Every
 * command shown is the real CLI, run exactly as printed. Exits non-zero if anything does not go as told.
 */
import { SamplePlatform, type CliResult } from './sample-platform.js'
import { messageOf } from '../core/errors.js'

const keep = process.argv.includes('--keep')
const bold = (s: string) => (process.stdout.isTTY ? `\x1b[1m${s}\x1b[0m` : s)

function say(text: string): void {
  process.stdout.write(`\n${bold(`▶ ${text}`)}\n`)
}

async function run(p: SamplePlatform, args: string[], expectCode = 0): Promise<CliResult> {
  process.stdout.write(`\n$ lastgood ${args.map((a) => (/\s/.test(a) ? JSON.stringify(a) : a)).join(' ')}\n`)
  const r = await p.cli(args)
  process.stdout.write(r.stdout.replace(/^/gm, '  '))
  if (r.stderr.trim()) process.stdout.write(r.stderr.replace(/^/gm, '  '))
  if (r.code !== expectCode) throw new Error(`\`lastgood ${args.join(' ')}\` exited ${r.code}, expected ${expectCode}`)
  return r
}

async function main(): Promise<void> {
  const p = await SamplePlatform.create()
  const apps = p.config.apps.map((a) => a.name)
  try {
    say(`A clinic platform with ${apps.length} apps, in recovery-priority order: ${apps.join(', ')}.`)
    process.stdout.write(
      `  Working directory: ${p.dir}\n  Each app is a real HTTP service whose behaviour comes from its live release directory.\n`,
    )
    for (const name of apps) await p.deploy(name, 'v1')
    await p.start()

    say('Set up lastgood: the state directory, the encrypted repository and its key.')
    await run(p, ['init'])

    say('Before the next deploy, snapshot every app. Their health passes, so each snapshot is "known good".')
    await run(p, ['snapshot', 'create', 'all', '--kind', 'pre-deploy', '--label', 'deploy-41'])

    say('Now the deploy tool ships v2 of staff. This release is broken: its health check fails.')
    await p.deploy('staff', 'v2', { healthy: false }, { 'public/assets/feature.js': 'export const feature = "new"\n' })
    await run(p, ['status'])

    say('Before touching anything, preview the rollback: which snapshot, which versions, which files.')
    await run(p, ['rollback', 'staff', '--reason', 'v2 fails its health check', '--dry-run'])

    say("Ask to roll back. The clinic's decision matrix wants a team lead to approve a person's rollback: it is a request.")
    const asked = await run(p, ['rollback', 'staff', '--reason', 'v2 fails its health check', '--yes'], 3)
    const id = /approval (ap-\S+) requested/.exec(asked.stdout)?.[1]
    if (!id) throw new Error('the rollback did not print an approval id')

    say('A team lead approves it. lastgood plans again, verifies the snapshot, takes a safety snapshot, restores, validates.')
    const r = await run(p, ['--as', 'team-lead-dana', 'approve', id, '--reason', 'staff is down for everyone'])
    say(`Rolled back: ${r.ms} ms from the approval to validation passed, process start included.`)

    say('staff runs v1 again and is healthy.')
    await run(p, ['status', 'staff'])

    say('Every action is in a hash-chained audit trail; verify it end to end.')
    await run(p, ['audit', 'log'])
    await run(p, ['audit', 'verify'])

    say('And the repository still holds every object each snapshot needs, authenticated and hashed.')
    await run(p, ['snapshot', 'verify', '--read-data'])

    say('Done. Every process this demo started is stopped' + (keep ? `; the directory is kept: ${p.dir}` : ' and its directory removed.'))
  } finally {
    if (keep) await p.stop()
    else await p.destroy()
  }
}

main().catch((err: unknown) => {
  process.stderr.write(`demo failed: ${messageOf(err)}\n`)
  process.exitCode = 1
})
