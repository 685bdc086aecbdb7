import type { Command } from 'commander'
import { lazyAction } from '../lazy-action.js'

export const DEFAULT_PORT = 8420

export function registerServe(program: Command): void {
  program
    .command('serve')
    .description(
      'run the HTTP API (/healthz, /readyz, /metrics, /openapi.json) with the monitor and the recovery scheduler in one process (SIGINT/SIGTERM stop it cleanly)',
    )
    .option('--port <port>', `port to listen on; 0 picks a free one, printed at start`, String(DEFAULT_PORT))
    .option('--host <host>', 'address to listen on', '127.0.0.1')
    .option('--tls-cert <file>', 'PEM certificate (chain) to serve HTTPS with; needs --tls-key')
    .option('--tls-key <file>', 'PEM private key of --tls-cert')
    .action(lazyAction(async () => (await import('./serve-run.js')).serveAction))
}
