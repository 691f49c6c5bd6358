/**
 * The `sarif` format: SARIF 2.1.0 for GitHub code scanning and other SARIF viewers. One result
 * per cycle, deadlock, long hold and long wait; paths relative to the repository root through
 * `%SRCROOT%`; fingerprints that survive unrelated edits, so a code-scanning alert stays one alert
 * from push to push.
 */
import { createHash } from 'node:crypto';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Location, Log, ReportingDescriptor, Result } from 'sarif';
import type { Cycle, LockGraphReport, LongHold, ReportLock, Site } from '@interlock/core';
import { findingsOf, type Finding } from '../graph-view.ts';
import { relativeToRoot } from '../repository-root.ts';
import { VERSION } from '../version.ts';

/** Options of {@link renderSarif}. */
export interface SarifOptions {
  /** Repository root; artifact URIs are relative to it (`uriBaseId: '%SRCROOT%'`). */
  readonly root: string;
  /** Directory relative site paths in the report are resolved against. @default root */
  readonly cwd?: string;
  /** `tool.driver.version`. @default this package's version */
  readonly version?: string;
}

/** The SARIF schema this renderer targets. */
export const SARIF_SCHEMA = 'https://json.schemastore.org/sarif-2.1.0.json';

const SRCROOT = '%SRCROOT%';

/** Rule ids, in `tool.driver.rules` order (a result's `ruleIndex` points into it). */
export const RULES = [
  {
    id: 'lock-order-cycle',
    name: 'LockOrderCycle',
    shortDescription: {
      text: 'Locks are taken in orders that form a cycle (a potential deadlock).',
    },
    fullDescription: {
      text:
        'Some task acquired each lock of the cycle while holding the previous one. ' +
        'Tasks that run ' +
        'these code paths at the same time can each hold one lock and wait for the next forever. ' +
        'The detector saw every order, even if the program never hung.',
    },
    help: {
      text:
        'Take the locks in one global order everywhere (or take them together), ' +
        'so that no order reverses another.',
      markdown:
        'Take the locks in **one global order** everywhere (for example by id), ' +
        'or merge them into one lock. The related locations show where each lock of the cycle ' +
        'was taken and where the next one was requested.',
    },
    defaultConfiguration: { level: 'error' },
    properties: {
      tags: ['concurrency', 'deadlock', 'lock-order'],
      precision: 'high',
      'problem.severity': 'error',
    },
  },
  {
    id: 'deadlock',
    name: 'Deadlock',
    shortDescription: {
      text:
        'Tasks were blocked waiting for each other ' +
        '(a real deadlock, broken by rejecting one waiter).',
    },
    fullDescription: {
      text:
        'Each task held one lock of the cycle and waited for the next; the detector rejected one ' +
        'waiter with DeadlockError so the others could go on. ' +
        'A single lock means a task re-acquired ' +
        'a non-reentrant lock it already held.',
    },
    help: {
      text:
        'Take the locks in one global order, ' +
        'or use an RLock where a task must re-enter a lock it holds.',
      markdown:
        'Take the locks in **one global order**, or use an `RLock` where a task must ' +
        're-enter a lock it already holds.',
    },
    defaultConfiguration: { level: 'error' },
    properties: {
      tags: ['concurrency', 'deadlock'],
      precision: 'very-high',
      'problem.severity': 'error',
    },
  },
  {
    id: 'long-hold',
    name: 'LongHold',
    shortDescription: { text: 'A lock was held longer than holdTimeout.' },
    fullDescription: {
      text:
        'A lock held this long stalls every task waiting for it, ' +
        'and may hide a task that will never release it.',
    },
    help: {
      text:
        'Shorten the critical section: do slow work (I/O, timers) ' +
        'before taking the lock or after releasing it.',
    },
    defaultConfiguration: { level: 'warning' },
    properties: {
      tags: ['concurrency', 'performance'],
      precision: 'medium',
      'problem.severity': 'warning',
    },
  },
  {
    id: 'long-wait',
    name: 'LongWait',
    shortDescription: { text: 'A task waited for a lock longer than holdTimeout.' },
    fullDescription: { text: 'A wait this long is contention or a lock that is never released.' },
    help: {
      text: 'Find who held the lock (see long-hold results) and shorten that critical section.',
    },
    defaultConfiguration: { level: 'warning' },
    properties: {
      tags: ['concurrency', 'performance'],
      precision: 'medium',
      'problem.severity': 'warning',
    },
  },
] as const satisfies readonly ReportingDescriptor[];

type RuleId = (typeof RULES)[number]['id'];

/**
 * Renders a report as a SARIF 2.1.0 log.
 * @example
 * ```ts
 * writeFileSync('interlock.sarif', JSON.stringify(renderSarif(report, { root: process.cwd() })));
 * ```
 */
export function renderSarif(report: LockGraphReport, options: SarifOptions): Log {
  const context = new SarifContext(report, options.root, options.cwd ?? options.root);
  const results: Result[] = [
    ...findingsOf(report).map((finding) => context.findingResult(finding)),
    ...(report.longHolds ?? []).map((entry) => context.longResult('long-hold', entry)),
    ...(report.longWaits ?? []).map((entry) => context.longResult('long-wait', entry)),
  ];
  return {
    $schema: SARIF_SCHEMA,
    version: '2.1.0',
    runs: [
      {
        tool: {
          driver: {
            name: 'interlock',
            version: options.version ?? VERSION,
            semanticVersion: options.version ?? VERSION,
            rules: RULES.map((rule) => structuredClone(rule) as ReportingDescriptor),
          },
        },
        originalUriBaseIds: { [SRCROOT]: { uri: directoryUri(options.root) } },
        columnKind: 'utf16CodeUnits',
        results,
      },
    ],
  };
}

function directoryUri(directory: string): string {
  const href = pathToFileURL(path.resolve(directory)).href;
  return href.endsWith('/') ? href : `${href}/`;
}

function ruleIndex(id: RuleId): number {
  return RULES.findIndex((rule) => rule.id === id);
}

function sha256(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}

/** The lexicographically smallest rotation: a cycle's identity whichever lock it was entered by. */
function canonicalRotation(items: readonly string[]): string[] {
  let best = items;
  for (let start = 1; start < items.length; start++) {
    const rotated = [...items.slice(start), ...items.slice(0, start)];
    if (rotated.join('\u0000') < best.join('\u0000')) best = rotated;
  }
  return [...best];
}

class SarifContext {
  readonly #locks: ReadonlyMap<string, ReportLock>;
  readonly #root: string;
  readonly #cwd: string;

  constructor(report: LockGraphReport, root: string, cwd: string) {
    this.#locks = new Map(report.locks.map((lock) => [lock.id, lock]));
    this.#root = root;
    this.#cwd = cwd;
  }

  /** Where a site is, relative to `%SRCROOT%` when it lies inside the repository. */
  location(site: Site, message: string, id?: number): Location {
    const relative = relativeToRoot(site.file, this.#root, this.#cwd);
    const artifactLocation =
      relative === undefined
        ? {
            uri:
              /^[a-z][a-z0-9+.-]*:/i.test(site.file) && !path.isAbsolute(site.file)
                ? site.file
                : pathToFileURL(path.resolve(this.#cwd, site.file)).href,
          }
        : { uri: relative.split('/').map(encodeURIComponent).join('/'), uriBaseId: SRCROOT };
    const region =
      site.line >= 1
        ? { startLine: site.line, ...(site.column >= 1 ? { startColumn: site.column } : {}) }
        : undefined;
    return {
      ...(id === undefined ? {} : { id }),
      physicalLocation: { artifactLocation, ...(region === undefined ? {} : { region }) },
      message: { text: message },
    };
  }

  /**
   * A lock's identity for fingerprints: name, kind and creation file (relative to the root) — not
   * the line, so that editing code above a lock does not turn its cycle into a new alert.
   */
  #identity(id: string, fallbackName: string): string {
    const lock = this.#locks.get(id);
    const file =
      lock?.site === undefined
        ? ''
        : (relativeToRoot(lock.site.file, this.#root, this.#cwd) ?? lock.site.file);
    return `${lock?.name ?? fallbackName}\u0000${lock?.kind ?? ''}\u0000${file}`;
  }

  #name(id: string, cycle: Cycle): string {
    return cycle.locks.find((lock) => lock.id === id)?.name ?? this.#locks.get(id)?.name ?? id;
  }

  findingResult(finding: Finding): Result {
    const { cycle } = finding;
    const ruleId: RuleId = finding.kind === 'cycle' ? 'lock-order-cycle' : 'deadlock';
    const closing = cycle.edges.at(-1)!;
    const requested = this.#name(closing.to, cycle);
    const held = this.#name(closing.from, cycle);
    const names = [
      ...cycle.locks.map((lock) => `"${lock.name}"`),
      `"${cycle.locks[0]!.name}"`,
    ].join(' → ');
    const text =
      finding.kind === 'cycle'
        ? `Lock-order cycle ${names}: "${requested}" is requested while "${held}" is held, the reverse of an order taken elsewhere. Tasks running these paths together can deadlock.`
        : cycle.locks.length === 1
          ? `Deadlock: "${requested}" was re-acquired by a task that already held it; it is not reentrant.`
          : `Deadlock: tasks were blocked waiting for each other (${names}); one waiter was rejected with DeadlockError.`;

    const primary: Location[] = [];
    if (closing.acquirer !== undefined)
      primary.push(
        this.location(closing.acquirer, `"${requested}" requested here while "${held}" is held`),
      );
    if (closing.holder !== undefined)
      primary.push(this.location(closing.holder, `"${held}" taken here`));
    if (primary.length === 0) {
      const created = cycle.locks
        .map((lock) => this.#locks.get(lock.id)?.site)
        .find((site) => site !== undefined);
      if (created !== undefined)
        primary.push(this.location(created, 'a lock of the cycle was created here'));
    }

    const related: Location[] = [];
    cycle.edges.forEach((edge, index) => {
      const from = this.#name(edge.from, cycle);
      const to = this.#name(edge.to, cycle);
      const waited = finding.kind === 'deadlock' ? 'waited for' : 'requested';
      if (edge.holder !== undefined)
        related.push(
          this.location(
            edge.holder,
            `#${index} "${from}" taken here (then "${to}" ${waited})`,
            related.length + 1,
          ),
        );
      if (edge.acquirer !== undefined)
        related.push(
          this.location(
            edge.acquirer,
            `#${index} "${to}" ${waited} here while "${from}" is held`,
            related.length + 1,
          ),
        );
    });

    const identities = canonicalRotation(
      cycle.locks.map((lock) => this.#identity(lock.id, lock.name)),
    );
    return {
      ruleId,
      ruleIndex: ruleIndex(ruleId),
      level: 'error',
      message: { text },
      ...(primary.length === 0 ? {} : { locations: primary }),
      ...(related.length === 0 ? {} : { relatedLocations: related }),
      partialFingerprints: {
        'interlockFinding/v1': sha256(`${ruleId}\u0001${identities.join('\u0001')}`),
      },
      properties: { locks: cycle.locks.map((lock) => lock.name) },
    };
  }

  longResult(ruleId: 'long-hold' | 'long-wait', entry: LongHold): Result {
    const name = this.#locks.get(entry.lock)?.name ?? entry.lock;
    const times = entry.count === 1 ? '' : ` (${entry.count} times)`;
    const text =
      ruleId === 'long-hold'
        ? `Lock "${name}" was held longer than ${entry.limit} ms${times}.`
        : `A task waited longer than ${entry.limit} ms for lock "${name}"${times}.`;
    const site = entry.site;
    const where =
      site === undefined ? '' : (relativeToRoot(site.file, this.#root, this.#cwd) ?? site.file);
    return {
      ruleId,
      ruleIndex: ruleIndex(ruleId),
      level: 'warning',
      message: { text },
      ...(site === undefined
        ? {}
        : {
            locations: [
              this.location(
                site,
                ruleId === 'long-hold' ? `"${name}" taken here` : `"${name}" requested here`,
              ),
            ],
          }),
      partialFingerprints: {
        'interlockFinding/v1': sha256(
          `${ruleId}\u0001${this.#identity(entry.lock, name)}\u0001${where}`,
        ),
      },
    };
  }
}
