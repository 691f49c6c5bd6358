/** Whether to colour terminal output. */

/** The parts of a stream and environment the decision reads. */
export interface ColorTarget {
  readonly isTTY?: boolean;
  hasColors?(): boolean;
}

/**
 * Colour only on a terminal that supports it. `NO_COLOR` (set and non-empty, no-color.org) turns
 * it off everywhere and wins over everything; otherwise `FORCE_COLOR` turns it on even when piped
 * (`FORCE_COLOR=0` or `false` turns it off).
 */
export function wantsColor(stream: ColorTarget, env: NodeJS.ProcessEnv): boolean {
  if (env['NO_COLOR'] !== undefined && env['NO_COLOR'] !== '') return false;
  const force = env['FORCE_COLOR'];
  if (force !== undefined) return force !== '0' && force !== 'false';
  return stream.isTTY === true && (stream.hasColors?.() ?? true);
}
