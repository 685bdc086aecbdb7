import { beforeAll } from 'vitest'
import { assertPostgresReachable, engines } from '../helpers/state-engines.js'
import { stateConformance } from './state-conformance.js'

beforeAll(assertPostgresReachable)

for (const engine of engines) stateConformance(engine)
