/**
 * The shell script a reader of a README section runs by following it: every `sh` block in order, and every
 * `yaml` block announced by `<!-- guide: write FILE -->` or `<!-- guide: append FILE -->` written to FILE
 * the way the text asks. Other blocks (sample output) are not run.
 */
export function guideScript(readme: string, heading: string): string {
  const start = readme.indexOf(`\n${heading}\n`)
  if (start < 0) throw new Error(`README has no section "${heading}"`)
  const level = /^#+/.exec(heading)?.[0] ?? '##'
  const rest = readme.slice(start + heading.length + 2)
  const end = rest.search(new RegExp(`^${level} `, 'm'))
  const section = end < 0 ? rest : rest.slice(0, end)

  const steps: string[] = []
  const block = /(?:<!-- guide: (write|append) (\S+) -->\n)?```(\w*)\n([\s\S]*?)```/g
  for (const [, verb, file, lang, body] of section.matchAll(block)) {
    if (verb && file) steps.push(`cat ${verb === 'write' ? '>' : '>>'} ${file} <<'GUIDE_EOF'\n${body}GUIDE_EOF`)
    else if (lang === 'sh' && body) steps.push(body)
  }
  if (steps.length === 0) throw new Error(`README section "${heading}" has no commands`)
  return ['set -euo pipefail', ...steps].join('\n')
}
