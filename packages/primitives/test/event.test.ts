import { describeEventContract } from './contract/event.contract.ts';

describeEventContract('detector off');
