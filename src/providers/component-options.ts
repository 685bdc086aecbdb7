import { z } from 'zod'
import { expected, textSchema } from '../config-parts/schema-helpers.js'

/** Schemas of options that several kinds of component take and that mean the same for all of them. */

/** The `data` flag; `holdsData` is the kind's default (its `data` capability). */
export const dataSchema = (holdsData: boolean) =>
  z
    .boolean({ error: expected('true or false') })
    .default(holdsData)
    .describe(
      'Holds data (a database, uploads): left out of every rollback that does not name it; restored by the restore_data runbook step or `rollback --component NAME`.',
    )

export const shellCommandSchema = (what: string) => textSchema(`a shell command that ${what}`)
