import { describeTaskTrackingContract } from './contract/task-tracking.contract.ts';

describeTaskTrackingContract('detector off');
