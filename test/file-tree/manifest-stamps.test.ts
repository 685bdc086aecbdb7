import { describe, expect, it } from 'vitest'
import { IntegrityError } from '../../src/core/errors.js'
import { treeDigest, type TreeEntry } from '../../src/file-tree/tree-entry.js'
import { parseCapturedTree, validateEntries } from '../../src/file-tree/validate-entries.js'
import { sha256 } from '../providers/fixtures.js'

const id = sha256('abc')
const file = (extra: Record<string, unknown> = {}) => ({ path: 'a.txt', type: 'file', mode: 0o644, size: 3, content: [id], ...extra })

describe('the capture stamps of a manifest entry (ino, mtimeNs, ctimeNs) are optional and bounded', () => {
  it('keeps well-formed stamps, including a time before 1970 and a 64-bit inode, and leaves the digest alone', () => {
    const stamped = file({ ino: '18446744073709551615', mtimeNs: '-86400000000000', ctimeNs: '1764128400123456789' })
    const [entry] = validateEntries([stamped])
    expect(entry).toEqual(stamped)
    const plain = file()
    expect(treeDigest([entry!])).toBe(treeDigest([plain as TreeEntry]))
    expect(parseCapturedTree({ digest: treeDigest([plain as TreeEntry]), entries: [stamped] }).entries).toEqual([stamped])
    expect(validateEntries([file()])[0]).not.toHaveProperty('ino')
  })

  it.each([
    ['ino', 12345],
    ['ino', '-1'],
    ['ino', '1'.repeat(21)],
    ['ino', '0x10'],
    ['mtimeNs', 1.5],
    ['mtimeNs', ''],
    ['mtimeNs', '1e18'],
    ['ctimeNs', { toString: '1' }],
    ['ctimeNs', '9'.repeat(10_000)],
    ['ctimeNs', null],
  ])('refuses %s = %j before anything is written', (key, value) => {
    const err = (() => {
      try {
        validateEntries([file({ [key]: value })])
      } catch (e) {
        return e
      }
      return undefined
    })()
    expect(err).toBeInstanceOf(IntegrityError)
    expect((err as Error).message).toMatch(new RegExp(`${key} field is not a decimal string of at most 20 digits`))
  })

  it('drops fields it does not know instead of carrying them along', () => {
    const [entry] = validateEntries([file({ user: 'root', setuid: true })])
    expect(entry).toEqual(file())
  })
})
