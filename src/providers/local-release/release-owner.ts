import { execFile } from 'node:child_process'
import { readFile, stat } from 'node:fs/promises'
import { asError, errCode, UserError } from '../../core/errors.js'
import type { LocalReleaseComponent } from './local-release-component.js'
import type { OwnerRule } from '../../file-tree/owner-rule.js'
import type { Owner } from '../../file-tree/tree-entry.js'

/**
 * Who a restored release belongs to. Root gives every entry the owner recorded at capture, the component's
 * `owner:` over it, and to entries of an older manifest that recorded none the owner of the releases
 * directory (the deploy user's, as a rule). Another user gets no rule: its files are its own, as before, and
 * it cannot give them away; an `owner:` naming someone else is then refused before anything is written.
 */
export async function releaseOwnerRule(c: LocalReleaseComponent, releases: string): Promise<OwnerRule | undefined> {
  const root = process.geteuid?.() === 0
  if (c.owner !== undefined) {
    const force = await resolveOwner(c)
    if (!root && force.uid !== process.geteuid?.()) {
      throw new UserError(
        `component ${c.name}: owner: ${c.owner} needs lastgood to run as root (it runs as uid ${process.geteuid?.()}); ` +
          'run it as root, or drop owner from the configuration',
      )
    }
    return { force }
  }
  if (!root) return undefined
  const st = await stat(releases).catch(() => undefined)
  return st ? { fallback: { uid: st.uid, gid: st.gid } } : {}
}

/** `user` (with its primary group) or `user:group`, names or numeric ids, as this host knows them. */
async function resolveOwner(c: LocalReleaseComponent): Promise<Owner> {
  const [user, group] = c.owner!.split(':') as [string, string | undefined]
  const passwd = /^\d+$/.test(user) ? undefined : await lookup('passwd', user)
  if (!/^\d+$/.test(user) && !passwd) throw unknown(c, 'user', user)
  const uid = passwd ? Number(passwd[2]) : Number(user)
  if (group === undefined) {
    if (!passwd) throw new UserError(`component ${c.name}: owner: ${c.owner} gives a numeric uid without a group; write uid:gid`)
    return { uid, gid: Number(passwd[3]) }
  }
  if (/^\d+$/.test(group)) return { uid, gid: Number(group) }
  const entry = await lookup('group', group)
  if (!entry) throw unknown(c, 'group', group)
  return { uid, gid: Number(entry[2]) }
}

function unknown(c: LocalReleaseComponent, what: string, name: string): UserError {
  return new UserError(
    `component ${c.name}: owner: ${c.owner} names ${what} "${name}", which this host does not know; create it or fix owner`,
  )
}

/** The entry's fields from getent (which asks NSS: LDAP, sssd), or the plain file where getent is missing. */
async function lookup(db: 'passwd' | 'group', name: string): Promise<string[] | undefined> {
  const line = await new Promise<string | undefined>((resolve, reject) => {
    execFile('getent', [db, name], { encoding: 'utf8' }, (err, stdout) => {
      if (!err) return resolve(stdout.split('\n')[0])
      if (errCode(err) === 'ENOENT') return reject(asError(err))
      resolve(undefined) // exit 2: no such entry
    })
  }).catch(async () => (await readFile(`/etc/${db}`, 'utf8')).split('\n').find((l) => l.startsWith(`${name}:`)))
  return line?.split(':')
}
