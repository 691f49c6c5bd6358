/**
 * Every contract suite in one call, for runs that re-use them under different conditions (the
 * detector-on run installs its probe in `hooks.beforeEach` and removes it in `hooks.afterEach`).
 */
import type { ContractHooks } from '../support/async.ts';
import { describeBarrierContract } from './barrier.contract.ts';
import { describeCancellationContract } from './cancellation.contract.ts';
import { describeConditionContract } from './condition.contract.ts';
import { describeEventContract } from './event.contract.ts';
import { describeLockContract } from './lock.contract.ts';
import { describeQueueContract } from './queue.contract.ts';
import { describeSemaphoreContract } from './semaphore.contract.ts';
import { describeStylesContract } from './styles.contract.ts';
import { describeTaskTrackingContract } from './task-tracking.contract.ts';

export function describeAllContracts(label: string, hooks: ContractHooks = {}): void {
  describeLockContract(label, hooks);
  describeSemaphoreContract(label, hooks);
  describeEventContract(label, hooks);
  describeConditionContract(label, hooks);
  describeBarrierContract(label, hooks);
  describeQueueContract(label, hooks);
  describeCancellationContract(label, hooks);
  describeStylesContract(label, hooks);
  describeTaskTrackingContract(label, hooks);
}
