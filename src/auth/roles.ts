import type { Permission } from './permissions.js'

/** A role as configured: its own permissions, those of the role it inherits, the channels that reach its holders. */
export interface RoleDefinition {
  permissions?: readonly Permission[]
  inherits?: string
  channels?: readonly string[]
}

/** A role with its inheritance flattened: everything its holders may do. */
export interface ResolvedRole {
  name: string
  /** Sorted, each once. */
  permissions: Permission[]
  /** Where approval requests for this role's permissions are sent. */
  channels: string[]
  builtIn: boolean
}

/**
 * The built-in roles (issue 13, section 4). `admin` manages identities and reads; it neither approves nor
 * rolls back, so whoever creates accounts cannot also use them to act alone (separation of duties).
 */
export const BUILT_IN_ROLES: Readonly<Record<string, RoleDefinition>> = {
  viewer: { permissions: ['read'] },
  operator: { permissions: ['read', 'snapshot', 'rollback', 'incident'] },
  oncall: { inherits: 'operator', permissions: ['approve:performance_degradation', 'break-glass'] },
  'team-lead': { inherits: 'oncall', permissions: ['approve:partial_functionality_loss', 'review'] },
  security: { permissions: ['read', 'incident', 'approve:security_incident', 'break-glass', 'review', 'audit-export'] },
  dba: { permissions: ['read', 'snapshot', 'rollback', 'rollback-data', 'approve:data_corruption', 'break-glass'] },
  admin: { permissions: ['read', 'admin'] },
}

/**
 * The local command line's identity carries this role name; it is no configurable role (auth.local_cli decides
 * what it may do), so the configuration may not define one of that name.
 */
export const LOCAL_ROLE = 'local'

/**
 * Every role of a configuration, flattened. A configured role with a built-in's name and only `channels`
 * keeps the built-in's permissions; given `permissions` or `inherits`, it replaces them. Built-ins are
 * flattened among themselves first, so redefining `operator` does not change `oncall`. Assumes the
 * definitions were checked (`roleProblems`): every inherited role exists and there is no cycle.
 */
export function resolveRoles(configured: Readonly<Record<string, RoleDefinition>>): Record<string, ResolvedRole> {
  const builtIns = flatten(BUILT_IN_ROLES, new Map())
  const merged: Record<string, RoleDefinition> = {}
  for (const [name, r] of Object.entries(builtIns)) merged[name] = { permissions: r.permissions }
  for (const [name, def] of Object.entries(configured)) {
    const replaces = def.permissions !== undefined || def.inherits !== undefined
    merged[name] = replaces ? def : { ...merged[name], ...def }
  }
  const out: Record<string, ResolvedRole> = {}
  for (const [name, r] of Object.entries(flatten(merged, new Map()))) {
    out[name] = { ...r, channels: [...(configured[name]?.channels ?? [])], builtIn: name in BUILT_IN_ROLES }
  }
  return out
}

function flatten(
  defs: Readonly<Record<string, RoleDefinition>>,
  done: Map<string, Permission[]>,
): Record<string, { name: string; permissions: Permission[] }> {
  const permissionsOf = (name: string): Permission[] => {
    const known = done.get(name)
    if (known) return known
    const def = defs[name]!
    const all = new Set<Permission>([...(def.permissions ?? []), ...(def.inherits ? permissionsOf(def.inherits) : [])])
    const sorted = [...all].sort()
    done.set(name, sorted)
    return sorted
  }
  return Object.fromEntries(Object.keys(defs).map((name) => [name, { name, permissions: permissionsOf(name) }]))
}

/**
 * What is wrong with configured roles, each at its path below `roles`: an unknown role inherited, an
 * inheritance cycle, a new role that grants nothing, the reserved name.
 */
export function roleProblems(configured: Readonly<Record<string, RoleDefinition>>): { path: string[]; message: string }[] {
  const problems: { path: string[]; message: string }[] = []
  const known = [...new Set([...Object.keys(BUILT_IN_ROLES), ...Object.keys(configured)])]
  for (const [name, def] of Object.entries(configured)) {
    if (name === LOCAL_ROLE) {
      problems.push({
        path: [name],
        message: `"${LOCAL_ROLE}" is the local command line's role (auth.local_cli); name this role otherwise`,
      })
      continue
    }
    if (!(name in BUILT_IN_ROLES) && def.permissions === undefined && def.inherits === undefined) {
      problems.push({ path: [name], message: `expected permissions or inherits for the new role "${name}", got neither` })
    }
    if (def.inherits === undefined) continue
    if (!known.includes(def.inherits)) {
      problems.push({ path: [name, 'inherits'], message: `expected the name of a role (${known.join(', ')}), got "${def.inherits}"` })
      continue
    }
    const chain = [name]
    for (let at: string | undefined = def.inherits; at !== undefined; at = inheritedBy(configured, at)) {
      if (chain.includes(at)) {
        problems.push({
          path: [name, 'inherits'],
          message: `expected a role that does not inherit back, got the cycle ${[...chain, at].join(' → ')}`,
        })
        break
      }
      chain.push(at)
    }
  }
  return problems
}

/** The role `name` inherits once configured; built-ins are flattened before, so theirs no longer counts. */
function inheritedBy(configured: Readonly<Record<string, RoleDefinition>>, name: string): string | undefined {
  const def = configured[name]
  return def && (def.permissions !== undefined || def.inherits !== undefined) ? def.inherits : undefined
}
