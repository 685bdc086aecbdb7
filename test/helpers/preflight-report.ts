import type { SamplePlatform } from '../../src/demo/sample-platform.js'

/** `lastgood preflight --json`'s document. */
export interface PreflightReport {
  app: string
  ok: boolean
  checks: { name: string; ok: boolean; detail: string }[]
}

/** `lastgood --json preflight staff ARGS` through the real CLI. */
export async function preflightOf(
  p: SamplePlatform,
  args: string[] = [],
): Promise<{ code: number; report: PreflightReport; stderr: string }> {
  const r = await p.cli(['--json', 'preflight', 'staff', ...args])
  return { code: r.code, report: JSON.parse(r.stdout) as PreflightReport, stderr: r.stderr }
}

/** The checks that failed, by name, with their detail. */
export const failing = (r: PreflightReport) => Object.fromEntries(r.checks.filter((c) => !c.ok).map((c) => [c.name, c.detail]))
