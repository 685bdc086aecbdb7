/**
 * Human output with every folded line joined back to the line it continues (a continuation starts with
 * spaces), so that a test can match a message whatever the 120-column layout did to it.
 */
export function unfold(text: string): string {
  return text.replace(/\n +/g, ' ')
}
