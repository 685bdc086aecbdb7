import { redact } from '../../../core/redact.js'
import { runShell } from '../../../shell/run-shell.js'
import { describeCommand, lastLines } from '../../../shell/shell-messages.js'
import type { StepContext, StepOutcome } from '../step-context.js'
import { messageOf } from '../../../core/errors.js'

const EXIT_MARK = '__lastgood_hook_exit='
const TAIL_LINES = 20

export interface Hook {
  name: string
  run: string
  timeoutMs: number
}

/**
 * Runs a hook (isolate, stop_writes or a named command) with /bin/sh in the config directory, with
 * LASTGOOD_INCIDENT, LASTGOOD_INCIDENT_TYPE, LASTGOOD_SCOPE (comma-separated apps) and LASTGOOD_PLATFORM set.
 * Succeeds on exit 0. Its stdout and stderr, merged, are kept: the last lines, redacted, are in the result
 * with the exit code (run-runbook puts both on the timeline), whether it passed or not. The command runs in a subshell whose status is printed
 * after it, so a failing hook still yields its output; a timeout stops its whole process group.
 */
export async function runHook(ctx: StepContext, hook: Hook): Promise<StepOutcome> {
  const started = performance.now()
  const env = {
    LASTGOOD_INCIDENT: ctx.incident.id,
    LASTGOOD_INCIDENT_TYPE: ctx.incident.type,
    LASTGOOD_SCOPE: ctx.apps.map((a) => a.name).join(','),
    LASTGOOD_PLATFORM: ctx.p.config.platform,
  }
  let exitCode: number | null = null
  let output = ''
  let error: string | null = null
  try {
    const out = await runShell({
      component: `runbook step ${hook.name}`,
      command: `(\n${hook.run}\n) 2>&1; printf '\\n${EXIT_MARK}%s\\n' "$?"`,
      cwd: ctx.p.config.dir,
      env,
      timeoutMs: hook.timeoutMs,
      signal: ctx.signal,
    })
    const text = out.toString('utf8')
    const at = text.lastIndexOf(`\n${EXIT_MARK}`)
    exitCode = Number(text.slice(at + EXIT_MARK.length + 1).trim())
    output = text.slice(0, Math.max(at, 0))
    if (exitCode !== 0) error = `exited with ${exitCode}${exitCode === 127 ? ' (command not found)' : ''}`
  } catch (err) {
    error = messageOf(err)
  }
  const durationMs = Math.round(performance.now() - started)
  const tail = lastLines(output, TAIL_LINES)
  const data = { hook: hook.name, command: JSON.parse(describeCommand(hook.run)) as string, exitCode, durationMs, output: tail }
  const detail = error ? `${hook.name} failed: ${redact(error)}` : `${hook.name} ran in ${durationMs} ms (exit 0)`
  return { ok: error === null, detail, data }
}
