import { Command } from 'commander'
import { packageVersion } from '../core/package-root.js'
import { registerApprovals, registerApprove } from './commands/approvals.js'
import { registerAudit } from './commands/audit.js'
import { registerConfig } from './commands/config.js'
import { registerDrill } from './commands/drill.js'
import { registerFreeze, registerUnfreeze } from './commands/freeze.js'
import { registerIncident } from './commands/incident.js'
import { registerInit } from './commands/init.js'
import { registerMonitor } from './commands/monitor.js'
import { registerPreflight } from './commands/preflight.js'
import { registerReport } from './commands/report.js'
import { registerReviews } from './commands/reviews.js'
import { registerServe } from './commands/serve.js'
import { registerRollback } from './commands/rollback.js'
import { registerSnapshot } from './commands/snapshot.js'
import { registerStatus } from './commands/status.js'
import { registerToken } from './commands/token.js'
import { registerUser } from './commands/user.js'
import { registerValidate } from './commands/validate.js'
import { registerWatch } from './commands/watch.js'
import { refuseLocalUnderServer } from './remote-commands.js'

/** The whole command line, every command registered; main.ts parses it, tests read its help. */
export function buildProgram(): Command {
  const program = new Command()
    .name('lastgood')
    .description('snapshot before a deploy, roll back to the last known good state, prove it')
    .version(packageVersion(), '-V, --version')
    .option('--config <file>', 'configuration file (default ./lastgood.yaml or $LASTGOOD_CONFIG)')
    .option('--json', 'print one JSON document on stdout', false)
    .option('--as <actor>', 'who is acting (default $LASTGOOD_ACTOR, else the OS user)')
    .option('--server <url>', 'send the command to lastgood serve at this URL, as the holder of $LASTGOOD_TOKEN (default $LASTGOOD_SERVER)')
    .showHelpAfterError()
    .enablePositionalOptions(false)
    // Every subcommand's --help lists --json, --config and --as too (subcommands inherit this setting).
    .configureHelp({ showGlobalOptions: true })

  registerInit(program)
  registerValidate(program)
  registerStatus(program)
  registerSnapshot(program)
  registerRollback(program)
  registerApprovals(program)
  registerApprove(program)
  registerReviews(program)
  registerMonitor(program)
  registerServe(program)
  registerPreflight(program)
  registerWatch(program)
  registerFreeze(program)
  registerUnfreeze(program)
  registerDrill(program)
  registerIncident(program)
  registerAudit(program)
  registerReport(program)
  registerConfig(program)
  registerUser(program)
  registerToken(program)

  program.hook('preAction', refuseLocalUnderServer)

  // Bad usage is exit 2 like every other user error, not commander's default 1.
  program.exitOverride()
  for (const cmd of program.commands.flatMap((c) => [c, ...c.commands])) cmd.exitOverride()
  return program
}
