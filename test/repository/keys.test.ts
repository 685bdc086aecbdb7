import { chmod, readFile, readdir, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { describe, expect, test } from 'vitest'
import { UserError } from '../../src/core/errors.js'
import { Repository } from '../../src/repository/repository.js'
import { FAST_KDF, newRepo, tempDir, track } from './helpers.js'

const PASS = 'correct horse battery staple'

async function passphraseRepo(): Promise<{ dir: string; keyFile: string }> {
  const base = await tempDir()
  const dir = join(base, 'repo')
  const keyFile = join(base, 'unused.key')
  await (await Repository.init(dir, { passphrase: PASS, keyFile }, { kdf: FAST_KDF })).close()
  return { dir, keyFile }
}

async function errorOf(p: Promise<unknown>): Promise<Error> {
  const err = await p.then(
    () => undefined,
    (e: unknown) => e,
  )
  if (!(err instanceof Error)) throw new Error('expected a rejection')
  return err
}

async function keyPath(dir: string): Promise<string> {
  const [name] = await readdir(join(dir, 'keys'))
  return join(dir, 'keys', name!)
}

describe('keys and passphrases', () => {
  test('a passphrase repository opens with its passphrase only', async () => {
    const { dir, keyFile } = await passphraseRepo()
    track(await Repository.open(dir, { passphrase: PASS, keyFile }))
    const wrong = await errorOf(Repository.open(dir, { passphrase: 'not it', keyFile }))
    expect(wrong).toBeInstanceOf(UserError)
    expect(wrong.message).toBe(`wrong passphrase or key file for repository ${dir}`)
    expect(wrong.message).not.toContain('not it')
  })

  test('without a passphrase it says to set LASTGOOD_PASSWORD', async () => {
    const { dir, keyFile } = await passphraseRepo()
    for (const passphrase of [undefined, '']) {
      const err = await errorOf(Repository.open(dir, { passphrase, keyFile }))
      expect(err).toBeInstanceOf(UserError)
      expect(err.message).toBe('this repository is protected by a passphrase: set LASTGOOD_PASSWORD')
    }
  })

  test('case 15: a key file with tampered scrypt parameters gives the same error as a wrong passphrase', async () => {
    const { dir, keyFile } = await passphraseRepo()
    const path = await keyPath(dir)
    const original = await readFile(path, 'utf8')
    const wrong = (await errorOf(Repository.open(dir, { passphrase: 'wrong', keyFile }))).message
    const tampers: Record<string, unknown>[] = [
      { N: 2 ** 15 }, // within bounds: scrypt runs and yields another key
      { r: 4 },
      { p: 2 },
      { N: 2 ** 40 }, // out of bounds: refused before scrypt can take the machine
      { r: 1_000_000 },
      { N: 3 * 2 ** 14 },
      { N: 'x' },
      { salt: Buffer.alloc(32, 7).toString('base64') },
      { kdf: 'argon2id' },
    ]
    for (const t of tampers) {
      await writeFile(path, JSON.stringify({ ...JSON.parse(original), ...t }))
      const err = await errorOf(Repository.open(dir, { passphrase: PASS, keyFile }))
      expect(err, JSON.stringify(t)).toBeInstanceOf(UserError)
      expect(err.message, JSON.stringify(t)).toBe(wrong)
    }
    await writeFile(path, original)
    track(await Repository.open(dir, { passphrase: PASS, keyFile }))
  })

  test('a key file readable by group or others is refused with the chmod to run', async () => {
    const t = await newRepo()
    await t.repo.close()
    await chmod(t.key.keyFile, 0o644)
    const err = await errorOf(t.reopen())
    expect(err).toBeInstanceOf(UserError)
    expect(err.message).toContain(`chmod 600 ${t.key.keyFile}`)
    await chmod(t.key.keyFile, 0o600)
    await t.reopen()
  })

  test('the key file is created with mode 0600 and is never overwritten', async () => {
    const t = await newRepo()
    const { stat } = await import('node:fs/promises')
    expect((await stat(t.key.keyFile)).mode & 0o777).toBe(0o600)
    const before = await readFile(t.key.keyFile)
    const err = await errorOf(Repository.init(join(t.dir, '..', 'other'), t.key))
    expect(err).toBeInstanceOf(UserError)
    expect(err.message).toMatch(/already exists/)
    expect(await readFile(t.key.keyFile)).toEqual(before)
  })

  test("another repository's key file is refused as another repository's, and the key never appears in the message", async () => {
    const a = await newRepo()
    const b = await newRepo()
    await a.repo.close()
    const err = await errorOf(Repository.open(a.dir, b.key))
    expect(err).toBeInstanceOf(UserError)
    expect(err.message).toBe(
      `key file ${b.key.keyFile} belongs to another repository (${b.repo.config.id}), not to the repository at ${a.dir} ` +
        `(${a.repo.config.id}): set repository.key_file to the key file lastgood init wrote for it`,
    )
    const key = (JSON.parse(await readFile(b.key.keyFile, 'utf8')) as { key: string }).key
    expect(err.message).not.toContain(key)
  })

  test('a key file whose repository field was edited is refused, whether or not its key opens the repository', async () => {
    const t = await newRepo()
    await t.repo.close()
    const body = JSON.parse(await readFile(t.key.keyFile, 'utf8')) as { repository: string }
    await writeFile(t.key.keyFile, JSON.stringify({ ...body, repository: 'f'.repeat(64) }))
    const err = await errorOf(t.reopen())
    expect(err).toBeInstanceOf(UserError)
    expect(err.message).toBe(
      `key file ${t.key.keyFile} names repository ${'f'.repeat(64)}, but the repository at ${t.dir} is ${t.repo.config.id}: ` +
        `its repository field was edited; set it back to ${t.repo.config.id}`,
    )
  })

  test('a missing or malformed key file is a UserError', async () => {
    const t = await newRepo()
    await t.repo.close()
    const missing = await errorOf(Repository.open(t.dir, { keyFile: `${t.key.keyFile}.nope` }))
    expect(missing).toBeInstanceOf(UserError)
    expect(missing.message).toMatch(/not found/)
    await writeFile(t.key.keyFile, '{"nonsense": true}')
    expect(await errorOf(t.reopen())).toBeInstanceOf(UserError)
  })

  test('an empty passphrase at init is refused before anything is created', async () => {
    const base = await tempDir()
    const err = await errorOf(Repository.init(join(base, 'repo'), { passphrase: '', keyFile: join(base, 'k') }))
    expect(err).toBeInstanceOf(UserError)
    expect(await Repository.exists(join(base, 'repo'))).toBe(false)
  })

  test('a repository of a newer format version is refused with a clear message', async () => {
    const t = await newRepo()
    await t.repo.close()
    const path = join(t.dir, 'config')
    await writeFile(path, JSON.stringify({ ...JSON.parse(await readFile(path, 'utf8')), version: 2 }))
    const err = await errorOf(t.reopen())
    expect(err).toBeInstanceOf(UserError)
    expect(err.message).toMatch(/format version 2/)
  })
})
