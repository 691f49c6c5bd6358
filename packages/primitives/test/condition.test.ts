import { describeConditionContract } from './contract/condition.contract.ts';

describeConditionContract('detector off');
