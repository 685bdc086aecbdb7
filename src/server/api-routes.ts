import { OPERATIONS } from '../operations/registry.js'
import type { Platform } from '../platform/platform.js'
import { addOidcRoutes } from './oidc-routes.js'
import { addOperationRoutes } from './operation-routes.js'
import type { ApiServer } from './route.js'
import { addSessionRoutes } from './session-routes.js'

/** Every route under /api/v1: signing in and out (a password, the identity provider when configured), and one per operation. */
export function addApiRoutes(app: ApiServer, p: Platform, stop: AbortSignal): void {
  addSessionRoutes(app, p)
  if (p.config.auth.oidc) addOidcRoutes(app, p, p.config.auth.oidc)
  addOperationRoutes(app, p, OPERATIONS, stop)
}
