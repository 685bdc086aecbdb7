import type { z } from 'zod'
import { closest } from './suggest.js'

/** One issue per name of `names` that is not `known`, at its index below `path`, with the closest known name as a hint. */
export function checkNames(ctx: z.RefinementCtx, names: string[], path: (string | number)[], known: string[], what: string): void {
  names.forEach((n, i) => {
    if (known.includes(n)) return
    const hint = closest(n, known)
    ctx.addIssue({
      code: 'custom',
      path: [...path, i],
      message: `expected the name of ${what}${hint ? ` (did you mean "${hint}"?)` : known.length ? ` (${known.join(', ')})` : ', but none is configured'}, got "${n}"`,
    })
  })
}
