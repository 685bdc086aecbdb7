import { readFile } from 'node:fs/promises'
import path from 'node:path'
import type { Command } from 'commander'
import { describe, expect, it } from 'vitest'
import { parse } from 'yaml'
import { buildProgram } from '../../src/cli/program.js'

const EXAMPLES = path.resolve(import.meta.dirname, '../../examples/ci')

/** The lastgood command lines of a script or a workflow, as words (quoted words kept whole, quotes dropped). */
function lastgoodCommands(lines: string[]): string[][] {
  return lines
    .map((l) => l.trim())
    .filter((l) => l.startsWith('lastgood '))
    .map((l) => [...l.matchAll(/"[^"]*"|\S+/g)].map((m) => m[0].replace(/^"|"$/g, '')).slice(1))
}

/** Each option a command line gives is one its command (or the program) has: the examples cannot drift from the CLI. */
function unknownOptions(words: string[]): string[] {
  const program = buildProgram()
  let cmd: Command = program
  for (const w of words) {
    const sub = cmd.commands.find((c) => c.name() === w)
    if (!sub) break
    cmd = sub
  }
  expect(cmd, words.join(' ')).not.toBe(program)
  const known = new Set([...cmd.options, ...program.options].map((o) => o.long))
  return words.filter((w) => w.startsWith('--') && !known.has(w))
}

describe('examples/ci', () => {
  it('github-actions.yml is a workflow whose steps gate, snapshot, gate again, deploy and watch, in that order', async () => {
    const workflow = parse(await readFile(path.join(EXAMPLES, 'github-actions.yml'), 'utf8')) as {
      jobs: Record<string, { steps: { run?: string }[] }>
    }
    const runs = workflow.jobs.deploy!.steps.flatMap((s) => (s.run ? [s.run] : []))
    expect(runs.map((r) => r.split(' ').slice(0, 2).join(' '))).toEqual([
      'lastgood preflight',
      'lastgood snapshot',
      'lastgood preflight',
      'bundle exec',
      'lastgood watch',
    ])
    expect(runs[1]).toContain('--kind pre-deploy')
    expect(runs[0]).toContain('--before-snapshot')
    for (const words of lastgoodCommands(runs)) expect(unknownOptions(words), words.join(' ')).toEqual([])
  })

  it('deploy-gate.sh runs the same steps with options the CLI has', async () => {
    const words = lastgoodCommands((await readFile(path.join(EXAMPLES, 'deploy-gate.sh'), 'utf8')).split('\n'))
    expect(words.map((w) => w[0])).toEqual(['preflight', 'snapshot', 'preflight', 'watch'])
    for (const w of words) expect(unknownOptions(w), w.join(' ')).toEqual([])
  })
})
