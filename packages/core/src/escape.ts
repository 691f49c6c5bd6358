/**
 * Text that came from users (lock names, file paths, function names) shown in a terminal or a log
 * line. Whatever a name holds, it must stay one visible token on one line: a newline could forge
 * report lines, an ANSI escape could recolour or erase them, a bidirectional override could
 * reorder them. JSON reports keep such text exactly; only the text forms escape it.
 */

/**
 * Characters that change what a terminal shows rather than being shown: C0 controls (newline,
 * ESC, …), DEL, C1 controls (U+009B is a one-byte CSI in some terminals), the Unicode line and
 * paragraph separators, and bidirectional marks, embeddings, overrides and isolates.
 */
const INVISIBLE =
  // eslint-disable-next-line no-control-regex -- matching control characters is the point
  /[\u0000-\u001f\u007f-\u009f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]/g;

function codeUnit(char: string): string {
  return `\\u${char.charCodeAt(0).toString(16).padStart(4, '0')}`;
}

/** A readable escape for the usual controls, `\uXXXX` for the rest. */
function escapeChar(char: string): string {
  switch (char) {
    case '\n':
      return '\\n';
    case '\r':
      return '\\r';
    case '\t':
      return '\\t';
    default:
      return codeUnit(char);
  }
}

/**
 * `text` with every invisible or line-breaking character escaped (`\n`, `\u001b`, …); other
 * characters, backslashes and quotes included, are kept. For paths and function names, where an
 * escape only has to keep the text on one line and inert.
 */
export function escapeControls(text: string): string {
  return text.replace(INVISIBLE, escapeChar);
}

/**
 * `text` as a double-quoted, unambiguous token: `"` and `\` are escaped as well, so a name that
 * contains a literal `\n` (two characters) cannot pass for one that contains a newline, and a
 * quote cannot end the token early.
 *
 * @example
 * ```ts
 * quoteText('db\n[ok]'); // '"db\\n[ok]"'
 * ```
 */
export function quoteText(text: string): string {
  return `"${escapeControls(text.replace(/[\\"]/g, (char) => `\\${char}`))}"`;
}

/** Characters a bare label may hold; anything else is shown quoted. */
const BARE = /^[\p{L}\p{N}_.:#@/$-]+$/u;

/**
 * A lock name as a label inside a report line (`-> #0 a -> b`, `lock(a);`): bare when it is
 * made of letters, digits and `_.:#@/$-`, quoted with {@link quoteText} otherwise.
 */
export function nameLabel(name: string): string {
  return BARE.test(name) ? name : quoteText(name);
}
