/**
 * How large a report the CLI reads. A report is parsed whole (JSON.parse), and parsed JSON takes
 * several times its size in memory, so a file is refused before it is read when it is larger than
 * `maxBytes`, and a parsed report is refused when it lists more locks or edges than the renderers
 * are meant for. Both are documented in docs/cli.md ("Limits") and can be raised with
 * `--max-size`.
 */

/** Largest report file read, in bytes: 256 MiB (about 200,000 locks with 1,000,000 edges). */
export const DEFAULT_MAX_BYTES = 256 * 1024 * 1024;

/** Most locks one report (or the result of a merge) may list. */
export const MAX_LOCKS = 500_000;

/** Most edges one report (or the result of a merge) may list. */
export const MAX_EDGES = 2_000_000;

/** Largest total size of the reports one `interlock merge` reads: four times `maxBytes`. */
export const MERGE_TOTAL_FACTOR = 4;
