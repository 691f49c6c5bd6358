/**
 * Threads that end without running their exit handlers: `worker.terminate()` stops a worker's
 * JavaScript at once, so the worker cannot report or poison what it holds (holds.ts does that for
 * every other way a worker ends). The thread that created the worker sees it go instead: Node
 * emits `process` 'worker' for every Worker a thread creates, and that Worker's 'exit' after the
 * thread is gone. There, every exclusive lock of the domain whose owner word still names the dead
 * thread is reported and poisoned, and every semaphore permit its record (held-permits.ts) still
 * lists is reported, exactly as the worker itself would have done.
 */
import { type Worker } from 'node:worker_threads';
import { permitsHeldBy } from './held-permits.ts';
import { Permits } from './permits.ts';
import { ownerWordInBlock } from './permit-primitive.ts';
import {
  blockHeaderWords,
  currentThread,
  domainHeader,
  arenaStart,
  joinedDomain,
  tags,
  type SharedDomain,
} from './shared-memory.ts';

interface Logged {
  type?: string;
  index?: number;
  thread?: number;
  name?: string;
  kind?: string;
  site?: string;
  to?: number;
  acquirer?: { file: string; line: number; column: number };
}

/** The name of the block at `index` and where `thread` took it, as the domain's log knows. */
function describe(
  domain: SharedDomain,
  index: number,
  thread: number,
): { name: string; kind: string; site: string | undefined } {
  let name = `#${index}`;
  let kind = 'Lock';
  let site: string | undefined;
  for (const record of domain.readRecords(0).records as Logged[]) {
    if (record.type === 'primitive' && record.index === index) {
      name = record.name ?? name;
      kind = record.kind ?? kind;
    } else if (record.type === 'site' && record.index === index && record.thread === thread) {
      site ??= record.site;
    } else if (
      record.type === 'edge' &&
      record.to === index &&
      record.thread === thread &&
      record.acquirer !== undefined
    ) {
      const at = record.acquirer;
      site ??= `${at.file}:${at.line}:${at.column}`;
    }
  }
  return { name, kind, site };
}

/**
 * Reports and poisons every Lock and RLock of `domain` that `thread` (gone without running its
 * exit handlers) still owns, and reports the semaphore permits it still held (they stay taken,
 * as when a thread exits holding them: permits are not owned, and another thread may
 * legitimately release them). Returns how many locks and semaphores it found.
 */
export function reclaimDeadOwner(domain: SharedDomain, thread: number): number {
  const words = domain.words;
  const end = Atomics.load(words, domainHeader.bump);
  let found = 0;
  for (let at = arenaStart; at < end;) {
    const size = Atomics.load(words, at + 1);
    // A block still being written by its allocator (its size comes before its tag): blocks past
    // it cannot be found this time. Never a lock the dead thread held: it was complete.
    if (size <= 0) break;
    const tag = Atomics.load(words, at);
    if (
      (tag === tags.Lock || tag === tags.RLock) &&
      Atomics.load(words, at + ownerWordInBlock) === thread + 1
    ) {
      const permits = new Permits(domain.blockView(at), blockHeaderWords);
      if (permits.poisonedBy === 0 && permits.unheld === 0) {
        found++;
        report(domain, at, thread, permits);
      }
    } else if (tag === tags.HeldPermits) {
      for (const [index, count] of permitsHeldBy(domain, at, thread) ?? []) {
        found++;
        reportPermits(domain, index, thread, count);
      }
    }
    at += size;
  }
  return found;
}

function report(domain: SharedDomain, index: number, thread: number, permits: Permits): void {
  const { name, kind, site } = describe(domain, index, thread);
  domain.appendRecord({ type: 'owner-exited', index, name, kind, thread, site, terminated: true });
  permits.poison(thread);
  const where = site === undefined ? '' : ` taken at ${site}`;
  process.emitWarning(
    `Thread ${thread} was terminated holding ${kind} ${name}${where}; it is now poisoned (seen by thread ${currentThread})`,
    { type: 'InterlockWarning', code: 'ERR_INTERLOCK_OWNER_EXITED' },
  );
}

function reportPermits(domain: SharedDomain, index: number, thread: number, count: number): void {
  const { name, kind, site } = describe(domain, index, thread);
  domain.appendRecord({
    type: 'owner-exited',
    index,
    name,
    kind,
    thread,
    site,
    terminated: true,
    permits: count,
  });
  const where = site === undefined ? '' : ` taken at ${site}`;
  const what = count === 1 ? 'a permit' : `${count} permits`;
  const outcome = count === 1 ? 'it stays taken' : 'they stay taken';
  process.emitWarning(
    `Thread ${thread} was terminated holding ${what} of ${kind} ${name}${where}; ${outcome} (seen by thread ${currentThread})`,
    { type: 'InterlockWarning', code: 'ERR_INTERLOCK_OWNER_EXITED' },
  );
}

// Every Worker this thread creates: when it is gone, whatever it still owns is reported.
process.on('worker', (worker: Worker) => {
  const thread = worker.threadId;
  worker.once('exit', () => {
    const domain = joinedDomain();
    if (domain !== undefined) reclaimDeadOwner(domain, thread);
  });
});
