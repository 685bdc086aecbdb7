import { chmod, mkdir, rm, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { describeTree } from '../fixtures.js'
import { providerConformance } from '../provider-conformance.js'

/**
 * Puts back the captured state and artifacts, the way a team's wrangler or Terraform wrapper would: plain sh
 * (a node script would cost a second of start-up per restore), reading the JSON lastgood writes on stdin.
 */
const RESTORE_SCRIPT = `set -e
input=$(cat)
field() { printf '%s' "$input" | sed -n 's/.*"'"$1"'":"\\([^"]*\\)".*/\\1/p'; }
restored=$(field restored)
rm -rf config/app.toml assets
cp -p "\${restored%/*}/0/app.toml" config/app.toml
cp -Rp "\${restored%/*}/1" assets
printf '%s' "$(field captured)" > state/kv
printf '%s\\n' "$LASTGOOD_VERSION" > state/version
`

const ARTIFACTS = ['config/app.toml', 'assets']

providerConformance('command', async (dir) => {
  const svc = join(dir, 'svc')
  await mkdir(join(svc, 'state'), { recursive: true })
  await writeFile(join(svc, 'restore.sh'), RESTORE_SCRIPT)
  return {
    options: {
      provider: 'command',
      cwd: './svc',
      current: 'cat state/version',
      capture: 'cat state/kv',
      restore: 'sh restore.sh',
      artifacts: ARTIFACTS,
      timeout: '10s',
    },
    missing: { cwd: './no-such-dir' },
    invalid: { timeout: 'soon' },
    async deploy(version) {
      await writeFile(join(svc, 'state/version'), `${version}\n`)
      await writeFile(join(svc, 'state/kv'), `new-checkout=${version === 'v2' ? 'on' : 'off'}`)
      await mkdir(join(svc, 'config'), { recursive: true })
      await writeFile(join(svc, 'config/app.toml'), `workers = ${version === 'v1' ? 4 : 16}\n`)
      await chmod(join(svc, 'config/app.toml'), version === 'v1' ? 0o640 : 0o644)
      await rm(join(svc, 'assets'), { recursive: true, force: true })
      await mkdir(join(svc, 'assets/sub'), { recursive: true })
      await writeFile(join(svc, 'assets/sub/b.txt'), 'asset b\n')
      await writeFile(join(svc, version === 'v1' ? 'assets/a.txt' : 'assets/new.txt'), `${version}\n`)
    },
    observe: () => describeTree(svc),
    async previewed() {
      const out: Record<string, string> = {}
      for (const artifact of ARTIFACTS.map((a) => join(svc, a))) {
        for (const [rel, line] of Object.entries(await describeTree(artifact))) out[rel === '' ? artifact : join(artifact, rel)] = line
      }
      return out
    },
    // The team's restore command fails before it changes anything.
    breakRestore: () => Promise.resolve({ options: { restore: 'echo "deploy API unreachable" >&2; exit 3' } }),
  }
})
