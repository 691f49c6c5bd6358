import { describeBarrierContract } from './contract/barrier.contract.ts';

describeBarrierContract('detector off');
