import { createRequire } from 'node:module'
import { UserError } from '../core/errors.js'

/**
 * Passwords are hashed with argon2id (OWASP's parameters: 19 MiB, 2 passes, 1 lane) into a PHC string
 * (`$argon2id$v=19$m=19456,t=2,p=1$salt$hash`). @node-rs/argon2 is native: loaded by the first hash, so
 * commands that never see a password never load it.
 */

interface Argon2 {
  hash(password: string, options: { algorithm: number; memoryCost: number; timeCost: number; parallelism: number }): Promise<string>
  verify(hashed: string, password: string): Promise<boolean>
}

let argon2: Argon2 | undefined
const load = (): Argon2 => (argon2 ??= createRequire(import.meta.url)('@node-rs/argon2') as Argon2)

/** @node-rs/argon2's Algorithm.Argon2id (a const enum, so not importable at run time). */
const ARGON2ID = 2
const OPTIONS = { algorithm: ARGON2ID, memoryCost: 19_456, timeCost: 2, parallelism: 1 }

export const MIN_PASSWORD = 12
/** Long enough for any passphrase; a longer one is a mistake or an attempt to make hashing costly. */
export const MAX_PASSWORD = 1024

/** Throws a UserError saying what the password lacks; nothing is stored before this passes. */
export function checkPassword(password: string, user: string): void {
  const length = [...password].length
  if (length < MIN_PASSWORD)
    throw new UserError(`the password is too short: use at least ${MIN_PASSWORD} characters (a passphrase of a few words will do)`)
  if (length > MAX_PASSWORD) throw new UserError(`the password is too long: use at most ${MAX_PASSWORD} characters`)
  if (password.toLowerCase().includes(user.toLowerCase()))
    throw new UserError(`the password contains the user name "${user}": choose one that does not`)
}

export async function hashPassword(password: string): Promise<string> {
  return load().hash(password, OPTIONS)
}

/** False for a wrong password and for a stored value that is no argon2 hash; never throws for either. */
export async function verifyPassword(hashed: string, password: string): Promise<boolean> {
  try {
    return await load().verify(hashed, password)
  } catch {
    return false
  }
}

/**
 * A hash of no account's password, verified when the name given to a login is unknown, so that answering
 * takes as long as for a real account and timing does not tell which names exist.
 */
let decoy: Promise<string> | undefined
export async function verifyDecoy(password: string): Promise<void> {
  decoy ??= hashPassword('no account has this password')
  await verifyPassword(await decoy, password)
}
