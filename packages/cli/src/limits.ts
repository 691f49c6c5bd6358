/**
 * How large a report the CLI reads. A report is parsed whole (JSON.parse), and parsed JSON takes
 * several times its size in memory, so a file is refused before it is read when it is larger than
 * `maxBytes`, and a parsed report is refused when it lists more locks or edges than the renderers
 * are meant for. Both are documented in docs/cli.md ("Limits") and can be raised with
 * `--max-size`.
 */

/**
 * Largest report file read, in bytes: 128 MiB — ten times a 10,000-lock, 50,000-edge report with
 * every site (13 MiB); about 500,000 edges. Parsing it takes about 1 GiB of heap.
 */
export const DEFAULT_MAX_BYTES = 128 * 1024 * 1024;

/** Most locks one report (or the result of a merge) may list. */
export const MAX_LOCKS = 500_000;

/** Most edges one report (or the result of a merge) may list. */
export const MAX_EDGES = 1_000_000;

/**
 * Largest total size of the reports one `interlock merge` reads, as a multiple of `--max-size`.
 * A merge holds one parsed report per thread plus the union, and the union is as large as the
 * inputs when they share nothing (disjoint shards). Measured: twenty overlapping 10,000-lock
 * reports (265 MiB) peak at ~375 MiB resident on one thread, ~520 MiB with `--jobs 2` (all 20
 * parsed reports were held at once before, ~2.2 GiB of heap); 2.5 × 128 MiB = 320 MiB of
 * disjoint reports stays well inside Node's default 4 GiB heap.
 */
export const MERGE_TOTAL_FACTOR = 2.5;
