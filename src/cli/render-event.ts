import { redactDeep } from '../core/redact.js'
import type { MonitorEvent } from '../monitor/events.js'
import { println } from './output.js'

/**
 * How long-running commands (monitor, watch) show events as they happen: one line each for people, or
 * with --json one JSON document per line (JSON Lines), so a script can follow the stream.
 */
export function printEvent(e: MonitorEvent, json: boolean): void {
  if (json) process.stdout.write(`${JSON.stringify(redactDeep(e))}\n`)
  else println(`${e.at}  ${e.type.padEnd(19)}  ${e.message}`)
}
