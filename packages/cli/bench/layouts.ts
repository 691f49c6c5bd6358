/**
 * Which compact layout parses fastest? Encodes one synthetic shard (10,000 locks, 50,010 edges) in
 * candidate layouts and times JSON.parse, and JSON.parse plus rebuilding the in-memory report
 * (version 1 objects), paired: every round times every layout, in a rotating order.
 *
 *   pnpm exec node packages/cli/bench/layouts.ts [--rounds 15] [--locks 10000]
 */
import { parseArgs } from 'node:util';
import type { LockGraphReport, ReportEdge, ReportLock, Site } from '@interlock/core';
import { syntheticReport } from './generate.ts';

const { values } = parseArgs({
  options: {
    rounds: { type: 'string', default: '15' },
    locks: { type: 'string', default: '10000' },
  },
});

class Strings {
  readonly list: string[] = [];
  readonly #index = new Map<string, number>();
  of(text: string): number {
    let index = this.#index.get(text);
    if (index === undefined) {
      index = this.list.length;
      this.list.push(text);
      this.#index.set(text, index);
    }
    return index;
  }
}

type Tuple = (number | null)[];
const siteTuple = (strings: Strings, site: Site): number[] =>
  site.function === undefined
    ? [strings.of(site.file), site.line, site.column]
    : [strings.of(site.file), site.line, site.column, strings.of(site.function)];

/** The proposal of docs/benchmarks.md: a string table and each site a tuple, edges as objects. */
function tupleSites(report: LockGraphReport): unknown {
  const strings = new Strings();
  const edges = report.edges.map((edge) => ({
    from: edge.from,
    to: edge.to,
    count: edge.count,
    ...(edge.holder ? { holder: siteTuple(strings, edge.holder) } : {}),
    ...(edge.acquirer ? { acquirer: siteTuple(strings, edge.acquirer) } : {}),
  }));
  const locks = report.locks.map((lock) => ({
    ...lock,
    ...(lock.site ? { site: siteTuple(strings, lock.site) } : {}),
  }));
  return { version: 2, strings: strings.list, locks, edges };
}

/** A site table the edges index; locks and edges as tuples; every string in the table. */
function siteTable(report: LockGraphReport, missing: null | -1): unknown {
  const strings = new Strings();
  const sites: number[][] = [];
  const siteIndex = new Map<Site, number>();
  const byText = new Map<string, number>();
  const siteOf = (site: Site | undefined): number | null => {
    if (site === undefined) return missing;
    let index = siteIndex.get(site);
    if (index === undefined) {
      const text = `${site.file}\0${site.line}\0${site.column}\0${site.function ?? ''}`;
      index = byText.get(text);
      if (index === undefined) {
        index = sites.length;
        sites.push(siteTuple(strings, site));
        byText.set(text, index);
      }
      siteIndex.set(site, index);
    }
    return index;
  };
  const lockIndex = new Map(report.locks.map((lock, index) => [lock.id, index]));
  const locks = report.locks.map((lock) => {
    const tuple: Tuple = [
      strings.of(lock.id),
      strings.of(lock.key),
      strings.of(lock.name),
      strings.of(lock.kind),
    ];
    if (lock.site) tuple.push(siteOf(lock.site));
    return tuple;
  });
  const edges = report.edges.map((edge) => [
    lockIndex.get(edge.from)!,
    lockIndex.get(edge.to)!,
    siteOf(edge.holder),
    siteOf(edge.acquirer),
    edge.count ?? missing,
  ]);
  return { version: 2, strings: strings.list, sites, locks, edges };
}

/** As the site table, but sites and edges as one flat array of numbers each. */
function flat(report: LockGraphReport): unknown {
  const table = siteTable(report, -1) as {
    strings: string[];
    sites: number[][];
    locks: Tuple[];
    edges: number[][];
  };
  return {
    ...table,
    sites: table.sites.flatMap((site) => (site.length === 3 ? [...site, -1] : site)),
    edges: table.edges.flat(),
  };
}

// Decoders back to version-1 objects (unchecked: the cost of building the objects).
function decodeTupleSites(value: {
  strings: string[];
  locks: (Omit<ReportLock, 'site'> & { site?: number[] })[];
  edges: { from: string; to: string; count: number; holder?: number[]; acquirer?: number[] }[];
}): LockGraphReport {
  const { strings } = value;
  const site = (tuple: number[] | undefined): Site | undefined =>
    tuple === undefined
      ? undefined
      : tuple.length === 3
        ? { file: strings[tuple[0]!]!, line: tuple[1]!, column: tuple[2]! }
        : {
            file: strings[tuple[0]!]!,
            line: tuple[1]!,
            column: tuple[2]!,
            function: strings[tuple[3]!]!,
          };
  return {
    version: 1,
    locks: value.locks.map((lock) => ({ ...lock, site: site(lock.site) })),
    edges: value.edges.map((edge) => ({
      from: edge.from,
      to: edge.to,
      count: edge.count,
      holder: site(edge.holder),
      acquirer: site(edge.acquirer),
    })),
    cycles: [],
    deadlocks: [],
  };
}

function decodeSiteTable(value: {
  strings: string[];
  sites: number[][];
  locks: number[][];
  edges: (number | null)[][];
}): LockGraphReport {
  const { strings } = value;
  const sites: Site[] = value.sites.map((tuple) =>
    tuple.length === 3
      ? { file: strings[tuple[0]!]!, line: tuple[1]!, column: tuple[2]! }
      : {
          file: strings[tuple[0]!]!,
          line: tuple[1]!,
          column: tuple[2]!,
          function: strings[tuple[3]!]!,
        },
  );
  const locks: ReportLock[] = value.locks.map((tuple) => ({
    id: strings[tuple[0]!]!,
    key: strings[tuple[1]!]!,
    name: strings[tuple[2]!]!,
    kind: strings[tuple[3]!]!,
    ...(tuple.length > 4 ? { site: sites[tuple[4]!]! } : {}),
  }));
  const edges: ReportEdge[] = value.edges.map((tuple) => {
    const holder = tuple[2];
    const acquirer = tuple[3];
    return {
      from: locks[tuple[0]!]!.id,
      to: locks[tuple[1]!]!.id,
      ...(holder === null || holder === -1 ? {} : { holder: sites[holder!]! }),
      ...(acquirer === null || acquirer === -1 ? {} : { acquirer: sites[acquirer!]! }),
      count: tuple[4]!,
    };
  });
  return { version: 1, locks, edges, cycles: [], deadlocks: [] };
}

function decodeFlat(value: {
  strings: string[];
  sites: number[];
  locks: number[][];
  edges: number[];
}): LockGraphReport {
  const tupled: number[][] = [];
  for (let index = 0; index < value.sites.length; index += 4) {
    const fn = value.sites[index + 3]!;
    tupled.push(value.sites.slice(index, index + (fn === -1 ? 3 : 4)));
  }
  const edges: number[][] = [];
  for (let index = 0; index < value.edges.length; index += 5)
    edges.push(value.edges.slice(index, index + 5));
  return decodeSiteTable({ strings: value.strings, sites: tupled, locks: value.locks, edges });
}

const report = syntheticReport({ locks: Number(values.locks), seed: 1 });
const layouts: { name: string; text: string; decode: (value: never) => unknown }[] = [
  { name: 'v1 objects', text: JSON.stringify(report), decode: (value) => value },
  {
    name: 'strings + tuple sites',
    text: JSON.stringify(tupleSites(report)),
    decode: decodeTupleSites,
  },
  {
    name: 'site table, tuples, null',
    text: JSON.stringify(siteTable(report, null)),
    decode: decodeSiteTable,
  },
  {
    name: 'site table, tuples, -1',
    text: JSON.stringify(siteTable(report, -1)),
    decode: decodeSiteTable,
  },
  { name: 'site table, flat arrays', text: JSON.stringify(flat(report)), decode: decodeFlat },
];

function cpuMs(task: () => unknown): number {
  const start = process.cpuUsage();
  task();
  const used = process.cpuUsage(start);
  return (used.user + used.system) / 1000;
}

const rounds = Number(values.rounds);
const parse = layouts.map(() => [] as number[]);
const parseDecode = layouts.map(() => [] as number[]);
for (let round = 0; round < rounds; round++) {
  for (let step = 0; step < layouts.length; step++) {
    const index = (round + step) % layouts.length;
    const layout = layouts[index]!;
    parse[index]!.push(cpuMs(() => JSON.parse(layout.text)));
    parseDecode[index]!.push(cpuMs(() => layout.decode(JSON.parse(layout.text) as never)));
  }
}
const median = (list: number[]): number => [...list].sort((a, b) => a - b)[list.length >> 1]!;
const sites = new Set(
  report.edges.flatMap((edge) => [edge.holder, edge.acquirer]).map((site) => JSON.stringify(site)),
);
console.log(
  `${report.locks.length} locks, ${report.edges.length} edges, ${sites.size} distinct edge sites ` +
    `(${(sites.size / report.edges.length).toFixed(2)} per edge); CPU ms, median (min–max) of ${rounds}`,
);
console.log('| layout | MiB | JSON.parse | parse + decode | × v1 (parse + decode) |');
console.log('| --- | ---: | ---: | ---: | ---: |');
const v1 = median(parseDecode[0]!);
layouts.forEach((layout, index) => {
  const range = (list: number[]): string =>
    `${median(list).toFixed(0)} (${Math.min(...list).toFixed(0)}–${Math.max(...list).toFixed(0)})`;
  console.log(
    `| ${layout.name} | ${(Buffer.byteLength(layout.text) / 2 ** 20).toFixed(1)} | ` +
      `${range(parse[index]!)} | ${range(parseDecode[index]!)} | ` +
      `${(median(parseDecode[index]!) / v1).toFixed(2)} |`,
  );
});
