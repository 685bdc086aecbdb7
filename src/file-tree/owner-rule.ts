import type { Owner } from './tree-entry.js'

/**
 * Which owner a restore gives each entry, and so which owner a comparison expects. Without a rule, entries
 * belong to whoever runs the restore (a process that is not root cannot give files away anyway).
 */
export interface OwnerRule {
  /** Every entry gets this owner: the component's `owner:` setting, which wins over what was captured. */
  force?: Owner
  /** Entries that record no owner (manifests written before owners were) get this one. */
  fallback?: Owner
}

/** The owner `rule` gives an entry, or undefined to leave it to the process. */
export function ownerOf(rule: OwnerRule | undefined, e: Partial<Owner>): Owner | undefined {
  if (!rule) return undefined
  if (rule.force) return rule.force
  if (e.uid !== undefined && e.gid !== undefined) return { uid: e.uid, gid: e.gid }
  return rule.fallback
}

export function formatOwner(o: Owner): string {
  return `${o.uid}:${o.gid}`
}
