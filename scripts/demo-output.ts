/** How the demo prints: bold headings, so the story's steps stand out in a terminal. */
export function heading(text: string): void {
  const bold = process.stdout.isTTY && process.env['NO_COLOR'] === undefined;
  console.log(bold ? `\n\x1b[1m=== ${text}\x1b[0m\n` : `\n=== ${text}\n`);
}
