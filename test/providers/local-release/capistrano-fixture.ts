import { mkdir, symlink, writeFile } from 'node:fs/promises'
import { dirname, join, relative } from 'node:path'
import { writeRelease } from './release-fixture.js'

/** Capistrano's defaults for a Rails app: `set :linked_files` and `set :linked_dirs`. */
export const LINKED_FILES = ['config/database.yml', '.env']
export const LINKED_DIRS = ['log', 'public/uploads', 'tmp']

/** What `deploy:check:linked_files` expects to find in shared/ before the first deploy. */
export async function sharedDir(root: string): Promise<void> {
  await mkdir(join(root, 'shared/config'), { recursive: true })
  await writeFile(join(root, 'shared/config/database.yml'), 'production:\n  adapter: postgresql\n  password: s3cret\n')
  await writeFile(join(root, 'shared/.env'), 'SECRET_KEY_BASE=abc123\n')
  for (const d of LINKED_DIRS) await mkdir(join(root, 'shared', d), { recursive: true })
  await writeFile(join(root, 'shared/log/production.log'), 'Started GET "/" for 10.0.0.1\n')
  await writeFile(join(root, 'shared/public/uploads/scan.pdf'), '%PDF-1.4 patient scan\n')
}

/**
 * A release as `deploy:symlink:linked_files` and `linked_dirs` leave it: the app's files, then one link per
 * linked file and directory into shared/. `absolute` links name `<root>/shared/...` (Capistrano's default);
 * relative ones climb out of the release (`../../shared/log`), as with `set :relative_links`-style tooling.
 */
export async function capistranoRelease(
  root: string,
  id: string,
  files: Record<string, string>,
  style: 'absolute' | 'relative',
): Promise<void> {
  await writeRelease(root, id, files)
  await linkIntoShared(root, id, style)
}

/** `deploy:symlink:linked_files` and `linked_dirs` for release `id`, already on disk. */
export async function linkIntoShared(root: string, id: string, style: 'absolute' | 'relative'): Promise<void> {
  for (const path of [...LINKED_FILES, ...LINKED_DIRS]) {
    const at = join(root, 'releases', id, path)
    await mkdir(dirname(at), { recursive: true })
    const target = join(root, 'shared', path)
    await symlink(style === 'absolute' ? target : relative(dirname(at), target), at)
  }
}

export const RAILS_V1 = {
  Gemfile: "source 'https://rubygems.org'\n",
  'config/routes.rb': 'Rails.application.routes.draw {}\n',
  'public/index.html': '<h1>v1</h1>\n',
}
export const RAILS_V2 = {
  Gemfile: "source 'https://rubygems.org'\ngem 'pg'\n",
  'config/routes.rb': 'Rails.application.routes.draw { root "home#index" }\n',
  'public/index.html': '<h1>v2</h1>\n',
}
