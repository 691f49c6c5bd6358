/**
 * interlock's primitives against async-mutex, measured in the same run.
 *
 * pnpm --filter @interlock/primitives bench [-- --json] pnpm exec node
 * packages/primitives/bench/run.ts [--json] [--filter lock]
 *
 * To add a comparison, write a `cases/<topic>.ts` exporting a function that returns `BenchCase[]`
 * and spread it into `cases` below (as `cases/detector.ts` does for issue 3's detection on/off). A
 * case is `{ name, measures, ours, baseline, target? }`; a `Subject`'s `before`/`after` hooks run
 * untimed around each of its samples (enable/disable the detector there).
 */
import { main } from './cli.ts';
import { bindCases } from './cases/bind.ts';
import { contextFloorCases } from './cases/context-floor.ts';
import { detectorCases } from './cases/detector.ts';
import { fastestStyleCases } from './cases/fastest-style.ts';
import { loadOurPrimitives } from './cases/load.ts';
import { lockCases } from './cases/lock.ts';
import { rlockReentryCases } from './cases/rlock-reentry.ts';
import { semaphoreCases } from './cases/semaphore.ts';
import { threadCases } from './cases/threads.ts';
import { transformCases } from './cases/transform.ts';
import { usingFloorCases } from './cases/using-floor.ts';
import { usingLoweredCases } from './cases/using-lowered.ts';

const primitives = await loadOurPrimitives();

const cases = [
  ...lockCases(primitives),
  ...semaphoreCases(primitives),
  ...detectorCases(primitives),
  ...contextFloorCases(),
  ...threadCases(),
  ...fastestStyleCases(primitives),
  ...rlockReentryCases(primitives),
  ...usingFloorCases(primitives),
  ...usingLoweredCases(primitives),
  ...(await bindCases(primitives)),
  ...(await transformCases()),
];

await main('@interlock/primitives vs async-mutex', cases);
