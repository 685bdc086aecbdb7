/** The errno code (`ENOENT`, `EIO`, …) of a failed system call, or undefined for anything else thrown. */
export function errCode(err: unknown): string | undefined {
  return typeof err === 'object' && err !== null && 'code' in err && typeof err.code === 'string' ? err.code : undefined
}
