import type { AuditEvent } from '../audit/audit-event.js'
import type { AuditOutcome } from '../audit/audit-event.js'
import type { EventType, MonitorEvent } from '../monitor/events.js'
import { sseMessages } from './sse-messages.js'
import { apiToken, apiUrl, errorOf, RemoteError, serverUrl, unreachable } from './remote.js'

/** How long to wait before reopening a stream the server ended (it let a slow reader go, or it is restarting). */
const REOPEN_MS = 1000

/**
 * `lastgood monitor` with --server: the server runs the monitor, so the command follows it, printing the
 * monitor events of the event stream (`GET /api/v1/events`) as they come, those of `apps` only when named,
 * until `stop` aborts. A stream that ends is reopened where it left off (Last-Event-ID); a server that
 * cannot be reached fails it (exit 1).
 */
export async function followServerMonitor(
  base: string,
  apps: string[],
  print: (e: MonitorEvent) => void,
  stop: AbortSignal,
): Promise<void> {
  const token = apiToken()
  const url = apiUrl(serverUrl(base), '/events')
  url.searchParams.set('type', 'monitor.')
  let lastId: string | undefined
  while (!stop.aborted) {
    let res: Response
    try {
      res = await fetch(url, {
        headers: { authorization: `Bearer ${token}`, ...(lastId ? { 'last-event-id': lastId } : {}) },
        signal: stop,
      })
    } catch (err) {
      if (stop.aborted) return
      throw unreachable(url, err)
    }
    if (!res.ok || !res.body) throw new RemoteError(errorOf(await res.json().catch(() => undefined), res.status))
    try {
      for await (const m of sseMessages(res.body)) {
        if (m.id !== undefined) lastId = m.id
        if (!m.event?.startsWith('monitor.') || m.data === undefined) continue
        const e = monitorEventOf(JSON.parse(m.data) as AuditEvent)
        if (apps.length === 0 || (e.app !== undefined && apps.includes(e.app))) print(e)
      }
    } catch (err) {
      if (!stop.aborted) throw err
    }
    if (!stop.aborted) await new Promise((ok) => setTimeout(ok, REOPEN_MS))
  }
}

/** The server's monitor recorded each event in the audit chain (monitor/events.ts): the event, read back. */
function monitorEventOf(a: AuditEvent): MonitorEvent {
  const { at, trigger, ...data } = a.details
  return {
    type: a.action.slice('monitor.'.length) as EventType,
    at: typeof at === 'string' ? at : a.ts,
    ...(a.target !== '*' ? { app: a.target } : {}),
    ...(typeof trigger === 'string' ? { trigger } : {}),
    message: a.reason ?? '',
    outcome: a.outcome as AuditOutcome,
    data,
  }
}
