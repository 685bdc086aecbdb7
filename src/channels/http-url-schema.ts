import { z } from 'zod'
import { expected } from '../config-parts/schema-helpers.js'

/** An HTTP channel's endpoint in its configuration: http or https only. */
export const httpUrlSchema = (example: string) => z.url({ protocol: /^https?$/, error: expected(`an http(s) URL such as ${example}`) })
