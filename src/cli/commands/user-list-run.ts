import type { Command } from 'commander'
import { userListOperation } from '../../operations/users.js'
import { globals } from '../global-options.js'
import { invoke } from '../invoke.js'
import { printJson, println, table } from '../output.js'

export async function userListAction(_opts: unknown, cmd: Command): Promise<number> {
  const g = globals(cmd)
  const { result, exitCode } = await invoke(g, userListOperation, {})
  const { users } = result
  const now = new Date().toISOString()
  if (g.json) printJson(result)
  else if (users.length === 0) println('no users yet: `lastgood user add NAME --role admin` creates the first admin')
  else
    println(
      table(
        ['USER', 'ROLE', 'CREATED', 'BY', 'STATE'],
        users.map((u) => [
          u.name,
          u.role,
          u.createdAt,
          u.createdBy,
          u.disabledAt
            ? `disabled ${u.disabledAt} by ${u.disabledBy}: ${u.disabledReason}`
            : u.lockedUntil && u.lockedUntil > now
              ? `locked until ${u.lockedUntil}`
              : 'active',
        ]),
      ),
    )
  return exitCode
}
