import { onDemand } from '../../core/on-demand.js'
import type { Provider } from '../provider.js'
import { KIND, type CommandComponent } from './command-component.js'
import { readVersion } from './run-command.js'

/**
 * The team's own commands (wrangler, the AWS CLI, Terraform): `current` prints the version, `capture` prints
 * the state to keep, `restore` reads it back as JSON on stdin. lastgood adds storage, artifacts and the audit
 * around them; it cannot make the commands atomic, so the switch point is whatever `restore` does.
 */
export const commandProvider: Provider<CommandComponent> = {
  kind: KIND,

  /** Trimmed stdout of `current`. Runs the user's command, which must not change anything. */
  current: readVersion,

  /** See command-operations.ts: loaded when called, with the artifact and file-tree code. */
  capture: onDemand(async () => (await import('./command-operations.js')).captureCommand),
  preview: onDemand(async () => (await import('./command-operations.js')).previewCommand),
  restore: onDemand(async () => (await import('./command-operations.js')).restoreCommand),
}
