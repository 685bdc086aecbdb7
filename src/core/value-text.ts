/**
 * A value read from outside (a stored file, a journal row, a lock another process wrote) as text for a
 * message. `String()` and template literals throw on some parsed objects (`{"toString": false}`), which would
 * turn "this file is damaged" into a crash; this never throws and keeps the text short.
 */
export function valueText(value: unknown, max = 80): string {
  let text: string
  if (typeof value === 'string') text = value
  else if (value === undefined) text = 'nothing'
  else {
    try {
      text = JSON.stringify(value) ?? typeof value
    } catch {
      text = typeof value
    }
  }
  return text.length > max ? `${text.slice(0, max - 3)}...` : text
}
