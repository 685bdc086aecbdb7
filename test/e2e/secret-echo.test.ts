import { readFile } from 'node:fs/promises'
import { join } from 'node:path'
import Database from 'better-sqlite3'
import { afterEach, describe, expect, it } from 'vitest'
import { type CliResult, SamplePlatform } from '../../src/demo/sample-platform.js'
import { singleAppConfig } from '../helpers/configs.js'
import { HttpReceiver, type Route } from '../helpers/receivers.js'

const SLACK_PATH = '/services/T0ECHO123/B0ECHO456/xoxEchoSlackSecret7788'
const ROUTING_KEY = 'R0utingKeyEcho4242abcdef'
const SIGNING_SECRET = 'signing-secret-echo-5566'
const URL_PASSWORD = 'urlPassw0rdEcho'
const URL_TOKEN = 'queryTokenEcho9911'
const PASSPHRASE = 'repository-passphrase-echo-31'
/** Every secret, and the part of each a receiver or a command echoes on its own. */
const SECRETS = [
  SLACK_PATH,
  'xoxEchoSlackSecret7788',
  ROUTING_KEY,
  SIGNING_SECRET,
  URL_PASSWORD,
  URL_TOKEN,
  PASSPHRASE,
  // What an HTTP client sends for the URL's userinfo: Authorization: Basic base64(user:password).
  Buffer.from(`lastgood:${URL_PASSWORD}`).toString('base64'),
]

let sp: SamplePlatform | undefined
let receiver: HttpReceiver | undefined
afterEach(async () => {
  await sp?.destroy()
  await receiver?.close()
  sp = receiver = undefined
})

/**
 * A proxy in front of a dead service: it fails and echoes the request line, the headers and the body (or the
 * body first: what is echoed first is what is kept of a long answer).
 */
function echo(status: number, bodyFirst = false): Route {
  return (req) => {
    const headers = `headers ${JSON.stringify(req.headers)}`
    const body = `body ${req.body.toString('utf8')}`
    return { status, body: `upstream unavailable, request was POST ${req.path} ${bodyFirst ? `${body} ${headers}` : `${headers} ${body}`}` }
  }
}

/** Every text value of every table of the state database. */
function dumpState(p: SamplePlatform): string {
  const db = new Database(join(p.dir, '.lastgood/state.db'), { readonly: true })
  try {
    const tables = db.prepare("select name from sqlite_master where type = 'table'").all() as Array<{ name: string }>
    return tables.map((t) => JSON.stringify(db.prepare(`select * from "${t.name}"`).all())).join('\n')
  } finally {
    db.close()
  }
}

describe('secrets echoed back by a receiver or a command (RELIABILITY case 19)', () => {
  it('case 19: receivers that fail and echo the request leave no secret in the audit chain, timeline, post-mortem, reports, export, state or output', async () => {
    receiver = await HttpReceiver.start()
    receiver.route(SLACK_PATH, echo(500)).route('/pd', echo(400, true)).route(`/hook?token=${URL_TOKEN}`, echo(502))
    const hookUrl = `http://lastgood:${URL_PASSWORD}@127.0.0.1:${receiver.port}/hook?token=${URL_TOKEN}`
    const extra = `notifications:
  channels:
    slack: { type: slack, webhook_url: "\${SLACK_HOOK_URL}" }
    pd: { type: pagerduty, routing_key: ${ROUTING_KEY}, url: "${receiver.url('/pd')}" }
    hook: { type: webhook, url: "${hookUrl}", secret: ${SIGNING_SECRET} }
  incidents: [slack, pd, hook]
  timeout: 1s
  retry: { attempts: 2, backoff: 100ms }
  status_updates: 0s
runbooks:
  critical_application_failure:
    - { step: command, name: call-vendor, run: "echo \\"vendor said: no route for $$(echo $$SLACK_HOOK_URL | sed 's|^http://[^/]*||'), key $$LASTGOOD_PASSWORD\\" >&2; exit 3" }
`
    sp = await SamplePlatform.create({
      configText: singleAppConfig({ extra }),
      env: { SLACK_HOOK_URL: receiver.url(SLACK_PATH), LASTGOOD_PASSWORD: PASSPHRASE },
    })
    await sp.deploy('staff', 'v1')
    const outputs: CliResult[] = []
    const cli = async (args: string[], env?: Record<string, string>) => {
      const r = await sp!.cli(args, env ? { env } : {})
      outputs.push(r)
      return r
    }
    expect((await cli(['init'])).code).toBe(0)

    const declared = await cli([
      '--json',
      '--as',
      'alice',
      'incident',
      'declare',
      'critical_application_failure',
      '--scope',
      'staff',
      '--reason',
      'portal down',
    ])
    // The runbook's step fails (exit 1), and the incident is escalated: more messages, more echoes.
    expect(declared.code, declared.stderr).toBe(1)
    const id = JSON.parse(declared.stdout).incident.id as string
    // Each receiver heard the request it echoed: the test proves something only if the secrets went out.
    expect(receiver.requests(SLACK_PATH).length).toBeGreaterThan(0)
    expect(receiver.requests('/pd').length).toBeGreaterThan(0)
    expect(receiver.requests(`/hook?token=${URL_TOKEN}`).length).toBeGreaterThan(0)
    expect(receiver.received.map((r) => r.body.toString()).join('\n')).toContain(ROUTING_KEY)

    expect((await cli(['--as', 'carol', 'incident', 'resolve', id, '--summary', 'vendor fixed the portal'])).code).toBe(0)
    const postmortem = join(sp.dir, 'postmortem.md')
    expect((await cli(['incident', 'postmortem', id, '--output', postmortem])).code).toBe(0)
    const durable = {
      state: dumpState(sp),
      postmortem: await readFile(postmortem, 'utf8'),
      show: (await cli(['--json', 'incident', 'show', id])).stdout,
      compliance: (await cli(['--json', 'report', 'compliance'])).stdout,
      export: (await cli(['audit', 'export'])).stdout,
      output: outputs.map((o) => `${o.stdout}\n${o.stderr}`).join('\n'),
    }
    expect((await cli(['audit', 'verify'])).code).toBe(0)
    for (const [where, text] of Object.entries(durable)) {
      for (const secret of SECRETS) expect(text.includes(secret), `${secret} in ${where}`).toBe(false)
    }

    // The messages still read well: the status, the receiver's own words and the command's are kept.
    const failures = (JSON.parse(durable.show).timeline as Array<{ kind: string; message: string }>)
      .filter((e) => e.kind === 'notification.failed')
      .map((e) => e.message)
    expect(failures.find((m) => m.includes('slack slack: HTTP 500'))).toMatch(
      /upstream unavailable, request was POST \/services\/\*\*\* headers/,
    )
    expect(failures.find((m) => m.includes('pagerduty pd: HTTP 400'))).toMatch(
      /upstream unavailable, request was POST \/pd body {"routing_key":"\*\*\*"/,
    )
    expect(failures.find((m) => m.includes('webhook hook: HTTP 502'))).toMatch(
      /upstream unavailable, request was POST \/hook\?token=\*\*\* headers/,
    )
    expect(durable.show).toMatch(/vendor said: no route for \/services\/\*\*\*, key \*\*\*/)
  })

  it('a missing passphrase is named, not masked: the message reads as written', async () => {
    sp = await SamplePlatform.create({ configText: singleAppConfig(), env: { LASTGOOD_PASSWORD: PASSPHRASE } })
    expect((await sp.cli(['init'])).code).toBe(0)
    const r = await sp.cli(['status'], { env: { LASTGOOD_PASSWORD: '' } })
    expect(r.code).toBe(2)
    expect(r.stderr).toContain('this repository is protected by a passphrase: set LASTGOOD_PASSWORD')
  })
})
