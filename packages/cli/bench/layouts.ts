/**
 * Which compact layout parses fastest? Encodes one synthetic shard (10,000 locks, 50,010 edges,
 * sites shared as `generate.ts` describes) in candidate layouts and times `JSON.parse`, and
 * `JSON.parse` plus rebuilding the in-memory report, paired: every round times every layout, in
 * a rotating order. CPU time of this thread, median and range over the rounds.
 *
 *   pnpm exec node packages/cli/bench/layouts.ts [--rounds 15] [--locks 10000]
 *
 * The version 1 file and the site table (version 2, what interlock writes) are read with the real
 * `parseReport`, validation included; the two other candidates with a bare decoder (no checks),
 * which flatters them.
 */
import { parseArgs } from 'node:util';
import {
  encodeReport,
  parseReport,
  type LockGraphReport,
  type ReportEdge,
  type ReportFileV2,
  type ReportLock,
  type Site,
  type SiteTuple,
} from '@interlock/core';
import { syntheticReport } from './generate.ts';

const { values } = parseArgs({
  options: {
    rounds: { type: 'string', default: '15' },
    locks: { type: 'string', default: '10000' },
  },
});

/** A site tuple of the table back as a `Site` (no checks). */
function siteFrom(strings: readonly string[], tuple: readonly number[]): Site {
  const [file, line, column, fn] = tuple as [number, number, number, number?];
  return fn === undefined
    ? { file: strings[file]!, line, column }
    : { file: strings[file]!, line, column, function: strings[fn]! };
}

/**
 * The proposal of the previous session: a string table, each site an inline tuple of it, locks
 * and edges still objects.
 */
function inlineTuples(file: ReportFileV2): unknown {
  const id = (lock: number): string => file.strings[file.locks[lock]![0]]!;
  return {
    version: 2,
    strings: file.strings,
    locks: file.locks.map(([lockId, key, name, kind, site]) => ({
      id: file.strings[lockId],
      key: file.strings[key],
      name: file.strings[name],
      kind: file.strings[kind],
      ...(site === undefined ? {} : { site: file.sites[site] }),
    })),
    edges: file.edges.map(([from, to, holder, acquirer, count]) => ({
      from: id(from),
      to: id(to),
      count,
      ...(holder === null ? {} : { holder: file.sites[holder] }),
      ...(acquirer === null ? {} : { acquirer: file.sites[acquirer] }),
    })),
  };
}

function decodeInlineTuples(value: {
  strings: string[];
  locks: (Omit<ReportLock, 'site'> & { site?: SiteTuple })[];
  edges: { from: string; to: string; count: number; holder?: SiteTuple; acquirer?: SiteTuple }[];
}): LockGraphReport {
  const site = (tuple: SiteTuple | undefined): Site | undefined =>
    tuple === undefined ? undefined : siteFrom(value.strings, tuple);
  return {
    version: 1,
    locks: value.locks.map((lock) => ({ ...lock, site: site(lock.site) })),
    edges: value.edges.map((edge): ReportEdge => ({
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

/** The site table with sites and edges as one flat array of numbers each (-1: none). */
function flat(file: ReportFileV2): unknown {
  return {
    ...file,
    sites: file.sites.flatMap((site) => (site.length === 3 ? [...site, -1] : site)),
    edges: file.edges.flatMap(([from, to, holder, acquirer, count]) => [
      from,
      to,
      holder ?? -1,
      acquirer ?? -1,
      count ?? -1,
    ]),
  };
}

function decodeFlat(value: {
  strings: string[];
  sites: number[];
  locks: number[][];
  edges: number[];
}): LockGraphReport {
  const { strings } = value;
  const sites: Site[] = [];
  for (let index = 0; index < value.sites.length; index += 4) {
    const fn = value.sites[index + 3]!;
    sites.push(siteFrom(strings, value.sites.slice(index, index + (fn === -1 ? 3 : 4))));
  }
  const locks = value.locks.map(([id, key, name, kind, site]): ReportLock => ({
    id: strings[id!]!,
    key: strings[key!]!,
    name: strings[name!]!,
    kind: strings[kind!]!,
    ...(site === undefined ? {} : { site: sites[site]! }),
  }));
  const edges: ReportEdge[] = [];
  const list = value.edges;
  for (let index = 0; index < list.length; index += 5) {
    const holder = list[index + 2]!;
    const acquirer = list[index + 3]!;
    edges.push({
      from: locks[list[index]!]!.id,
      to: locks[list[index + 1]!]!.id,
      ...(holder === -1 ? {} : { holder: sites[holder]! }),
      ...(acquirer === -1 ? {} : { acquirer: sites[acquirer]! }),
      count: list[index + 4]!,
    });
  }
  return { version: 1, locks, edges, cycles: [], deadlocks: [] };
}

const report = syntheticReport({ locks: Number(values.locks), seed: 1 });
const encoded = encodeReport(report);
const checked = (text: string): unknown => parseReport(text, 'shard.json');
const layouts: { name: string; text: string; read: (text: string) => unknown }[] = [
  { name: 'version 1 (objects)', text: JSON.stringify(report), read: checked },
  {
    name: 'string table, inline site tuples',
    text: JSON.stringify(inlineTuples(encoded)),
    read: (text) => decodeInlineTuples(JSON.parse(text) as never),
  },
  { name: 'site table, tuples (version 2)', text: JSON.stringify(encoded), read: checked },
  {
    name: 'site table, flat number arrays',
    text: JSON.stringify(flat(encoded)),
    read: (text) => decodeFlat(JSON.parse(text) as never),
  },
];

function cpuMs(task: () => unknown): number {
  const start = process.cpuUsage();
  task();
  const used = process.cpuUsage(start);
  return (used.user + used.system) / 1000;
}

const rounds = Number(values.rounds);
const parse = layouts.map(() => [] as number[]);
const read = layouts.map(() => [] as number[]);
for (let round = 0; round < rounds; round++) {
  for (let step = 0; step < layouts.length; step++) {
    const index = (round + step) % layouts.length;
    const layout = layouts[index]!;
    parse[index]!.push(cpuMs(() => JSON.parse(layout.text)));
    read[index]!.push(cpuMs(() => layout.read(layout.text)));
  }
}
const median = (list: number[]): number => [...list].sort((a, b) => a - b)[list.length >> 1]!;
const range = (list: number[]): string =>
  `${median(list).toFixed(0)} (${Math.min(...list).toFixed(0)}–${Math.max(...list).toFixed(0)})`;
const edgeSites = new Set(
  report.edges.flatMap((edge) => [edge.holder, edge.acquirer]).map((site) => JSON.stringify(site)),
);
console.log(
  `${report.locks.length} locks, ${report.edges.length} edges, ${edgeSites.size} distinct edge ` +
    `sites (${(edgeSites.size / report.edges.length).toFixed(2)} per edge); ` +
    `CPU ms, median (min–max) of ${rounds} rounds`,
);
console.log('| layout | MiB | JSON.parse | parse + read into memory | × version 1 |');
console.log('| --- | ---: | ---: | ---: | ---: |');
const v1 = median(read[0]!);
layouts.forEach((layout, index) => {
  console.log(
    `| ${layout.name} | ${(Buffer.byteLength(layout.text) / 2 ** 20).toFixed(1)} | ` +
      `${range(parse[index]!)} | ${range(read[index]!)} | ` +
      `${(median(read[index]!) / v1).toFixed(2)} |`,
  );
});
