import type { AuditVerifyReport } from '../audit/verify-audit.js'

/** The verdict of `audit verify`, also the head of `report compliance`. */
export function renderVerify(report: AuditVerifyReport): string {
  const c = report.checkpoints
  const lines = [
    report.firstBad
      ? `AUDIT CHAIN BROKEN at event ${report.firstBad.seq}: ${report.firstBad.problem} (${report.events} events verified before it)`
      : report.ok
        ? `audit chain intact: ${report.events} events, head ${report.headHash.slice(0, 16)}`
        : // Links alone cannot show a cut tail or a full rehash: say the chain is not intact, and why below.
          `AUDIT CHAIN FAILS ITS CHECKPOINTS: its ${report.events} events link up, head ${report.headHash.slice(0, 16)}`,
  ]
  if (c) {
    lines.push(c.latest ? `checkpoints: ${c.count}, the latest of ${c.latest.ts} at event ${c.latest.seq}` : `checkpoints: none`)
    const label = { rewritten: 'MISMATCH', truncated: 'MISMATCH', none: 'MISSING', damaged: 'DAMAGED' } as const
    for (const problem of c.problems) lines.push(`CHECKPOINT ${label[problem.kind]}: ${problem.message}`)
  }
  return lines.join('\n')
}
