/** The random part of `lgt_<16 hex>_<secret>` (which may itself hold `_`, so no split). */
export const secretOf = (token: string): string => token.slice('lgt_'.length + 17)
