import { describe, expect, it } from 'vitest'
import { parseConfigText } from '../../../src/config/parse-config-text.js'
import { UserError } from '../../../src/core/errors.js'

const config = (keys: string) => `version: 1
platform: lab
apps:
  web:
    priority: 1
    components:
      release:
        provider: local-release
        path: /var/www/web
${keys}`

const release = (keys: string) => {
  const c = parseConfigText(config(keys), '/etc/lastgood/lastgood.yaml').apps[0]!.components[0]!
  if (c.provider !== 'local-release') throw new Error('expected a local-release component')
  return c
}

describe('issue 10 items 6 to 8: the local-release keys links_allowed_into, owner and displaced', () => {
  it('resolves links_allowed_into against path, keeps owner, and takes displaced retention', () => {
    const c = release(
      '        links_allowed_into: [shared/, /mnt/uploads]\n        owner: deploy:www-data\n        displaced: { keep_last: 0, keep_within: 30d }\n',
    )
    expect(c).toMatchObject({
      linksAllowedInto: ['/var/www/web/shared', '/mnt/uploads'],
      owner: 'deploy:www-data',
      displaced: { keepLast: 0, keepWithinMs: 30 * 86_400_000 },
    })
    // Unset, the provider decides: shared/ when present, the owner captured, 2 copies for 7 days.
    const plain = release('')
    expect([plain.linksAllowedInto, plain.owner, plain.displaced]).toEqual([undefined, undefined, undefined])
  })

  it('takes numeric ids as written (YAML 1.2: 1000:1000 is a string, not a base-60 number)', () => {
    expect(release('        owner: 1000:1000\n').owner).toBe('1000:1000')
  })

  it.each([
    ['        owner: "deploy deploy"\n', /apps\.web\.components\.release\.owner: expected an owner such as deploy:deploy/],
    ['        displaced: { keep_last: -1 }\n', /apps\.web\.components\.release\.displaced\.keep_last: expected an integer from 0 to 1000/],
    ['        displaced: { keep: 3 }\n', /apps\.web\.components\.release\.displaced\.keep: unknown key/],
    ['        links_allowed_into: shared/\n', /apps\.web\.components\.release\.links_allowed_into: expected a list of directory paths/],
  ])('refuses %j naming the path (exit 2)', (keys, pattern) => {
    const err = (() => {
      try {
        release(keys)
      } catch (e) {
        return e
      }
      return undefined
    })()
    expect(err).toBeInstanceOf(UserError)
    expect((err as Error).message).toMatch(pattern)
  })
})
