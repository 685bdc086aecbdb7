import { createRequire } from 'node:module'
import type * as OpenIdClient from 'openid-client'
import { appendAudit } from '../audit/audit-log.js'
import { messageOf } from '../core/errors.js'
import { redact, registerSecret } from '../core/redact.js'
import type { AuthContext } from './auth-context.js'
import type { OidcSettings } from './auth-config.js'
import type { Identity } from './identity.js'

/**
 * Login through the team's OpenID Connect provider: the authorization code flow with PKCE (S256), a state and a
 * nonce. What a login in progress needs (its PKCE verifier, its nonce) stays in this process, keyed by the
 * state, for LOGIN_WINDOW_MS and one use; the browser carries only the state. The person's groups (roles_claim,
 * from the ID token or else the userinfo endpoint) map to a role through role_map; none mapped: refused, audited.
 * openid-client verifies the ID token (issuer, audience, expiry, nonce) and insists on HTTPS: no switch here
 * turns that off. The code, verifier, nonce and the provider's tokens are never logged, audited or answered (the
 * request log masks the callback's query); they are not registered with the redactor, which would grow with
 * every login.
 */

const LOGIN_WINDOW_MS = 10 * 60_000
/** Logins begun and not finished that are kept; beyond it the oldest is forgotten (it must start again). */
const MAX_PENDING = 10_000

type Client = typeof OpenIdClient

export type OidcOutcome = { ok: true; identity: Identity } | { ok: false; status: 400 | 401 | 403; message: string }

interface Pending {
  verifier: string
  nonce: string
  until: number
}

export class OidcLogin {
  private readonly client: Client = createRequire(import.meta.url)('openid-client') as Client
  private config: Promise<OpenIdClient.Configuration> | undefined
  private readonly pending = new Map<string, Pending>()

  constructor(
    private readonly ctx: AuthContext,
    private readonly settings: OidcSettings,
  ) {
    registerSecret(settings.clientSecret)
  }

  /** Where to send the browser, and the state it must come back with. */
  async begin(): Promise<{ url: string; state: string }> {
    const c = this.client
    const config = await this.discovered()
    const verifier = c.randomPKCECodeVerifier()
    const state = c.randomState()
    const nonce = c.randomNonce()
    this.forgetOld()
    this.pending.set(state, { verifier, nonce, until: Date.now() + LOGIN_WINDOW_MS })
    const url = c.buildAuthorizationUrl(config, {
      redirect_uri: this.settings.redirectUrl,
      scope: this.settings.scopes.join(' '),
      code_challenge: await c.calculatePKCECodeChallenge(verifier),
      code_challenge_method: 'S256',
      state,
      nonce,
    })
    return { url: url.href, state }
  }

  /**
   * The provider sent the browser back with `query` (code and state, or an error). `browserState` is the state
   * the browser kept from begin(): a callback the browser did not start (login CSRF) is refused.
   */
  async finish(query: string, browserState: string | undefined): Promise<OidcOutcome> {
    const callback = new URL(this.settings.redirectUrl)
    callback.search = query
    const state = callback.searchParams.get('state') ?? ''
    const pending = this.pending.get(state)
    this.pending.delete(state)
    if (!pending || pending.until < Date.now() || state !== browserState)
      return this.failed(
        400,
        'this login was not started here, or took longer than 10 minutes: start again at /api/v1/login/oidc',
        'unknown state',
      )
    const c = this.client
    let claims: Record<string, unknown>
    try {
      const config = await this.discovered()
      const tokens = await c.authorizationCodeGrant(config, callback, {
        pkceCodeVerifier: pending.verifier,
        expectedState: state,
        expectedNonce: pending.nonce,
        idTokenExpected: true,
      })
      claims = { ...tokens.claims() }
      if (claims[this.settings.rolesClaim] === undefined) {
        const info = await c.fetchUserInfo(config, tokens.access_token, String(claims.sub))
        claims = { ...info, ...claims }
      }
    } catch (err) {
      return this.failed(401, `the identity provider's answer was not accepted: ${redact(messageOf(err))}`, 'provider answer refused')
    }
    const named = claims[this.settings.usernameClaim]
    const subject = typeof named === 'string' && named.trim() ? named.trim() : String(claims.sub)
    const groups = groupsOf(claims[this.settings.rolesClaim])
    const role = this.settings.roleMap.find(([group]) => groups.includes(group))?.[1]
    if (!role) {
      await appendAudit(this.ctx.state, {
        actor: subject,
        action: 'auth.login',
        target: subject,
        outcome: 'refused',
        details: { auth: { method: 'oidc', subject }, why: 'no mapped role', [this.settings.rolesClaim]: groups },
      })
      return {
        ok: false,
        status: 403,
        message: `${subject} has no group that auth.oidc.role_map maps to a role (${this.settings.rolesClaim}: ${groups.join(', ') || 'none'})`,
      }
    }
    return { ok: true, identity: { subject, method: 'oidc', role } }
  }

  private async failed(status: 400 | 401, message: string, why: string): Promise<OidcOutcome> {
    await appendAudit(this.ctx.state, {
      actor: 'unknown',
      action: 'auth.login',
      target: 'unknown user',
      outcome: 'failure',
      details: { auth: { method: 'oidc' }, why },
    })
    return { ok: false, status, message }
  }

  /** The provider's metadata, read at the first login and kept; read again after a failure. */
  private discovered(): Promise<OpenIdClient.Configuration> {
    const { issuer, clientId, clientSecret } = this.settings
    this.config ??= this.client.discovery(new URL(issuer), clientId, clientSecret).catch((err: unknown) => {
      this.config = undefined
      throw new Error(`the identity provider ${issuer} could not be reached: ${redact(messageOf(err))}`)
    })
    return this.config
  }

  private forgetOld(): void {
    const now = Date.now()
    for (const [state, p] of this.pending) if (p.until < now || this.pending.size >= MAX_PENDING) this.pending.delete(state)
  }
}

function groupsOf(value: unknown): string[] {
  if (typeof value === 'string') return value.split(/[\s,]+/).filter(Boolean)
  return Array.isArray(value) ? value.filter((v): v is string => typeof v === 'string') : []
}
