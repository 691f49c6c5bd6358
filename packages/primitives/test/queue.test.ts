import { describeQueueContract } from './contract/queue.contract.ts';

describeQueueContract('detector off');
