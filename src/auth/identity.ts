import { LOCAL_ROLE } from './roles.js'

/**
 * Who is acting, as authenticated. The server makes one per request (from a session or a token), the
 * command line one for itself (`local`); permission checks and audit events read nothing else.
 */
export interface Identity {
  /** The user name (or the identity provider's subject); the audit event's actor. */
  subject: string
  method: 'password' | 'token' | 'oidc' | 'local'
  /** A role of auth.roles; `local` for the command line, whose powers auth.local_cli sets. */
  role: string
  /** A token's name, when the request carried one. */
  tokenName?: string
  /** A token's role ceiling: its permissions are those of `role` that this role has too. */
  ceiling?: string
  /** The operating-system user who ran a local command. */
  osUser?: string
}

/** The command line acting on this host's state as `subject` (--as, $LASTGOOD_ACTOR or the OS user). */
export function localIdentity(subject: string, osUser: string): Identity {
  return { subject, method: 'local', role: LOCAL_ROLE, osUser }
}

/**
 * What an audit event records of who acted: the actor, and the authentication under `auth` in its
 * details (with `via: local` and the OS user for the command line). Never a secret: a token by name only.
 */
export function auditedBy(identity: Identity): { actor: string; details: Record<string, unknown> } {
  const auth = { method: identity.method, subject: identity.subject, ...(identity.tokenName ? { token: identity.tokenName } : {}) }
  const local = identity.method === 'local' ? { via: 'local', os_user: identity.osUser ?? null } : {}
  return { actor: identity.subject, details: { auth, ...local } }
}
