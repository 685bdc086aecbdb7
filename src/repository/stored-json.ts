/**
 * The JSON of a stored file that passed authentication, or undefined when it is not JSON. Such a file was
 * written by a bug, a key holder or a later format: its parser says which object it is and what is wrong,
 * rather than letting a SyntaxError (or a TypeError on `null`) escape as a crash.
 */
export function parseStoredJson(bytes: Uint8Array): unknown {
  try {
    return JSON.parse(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('utf8'))
  } catch {
    return undefined
  }
}
