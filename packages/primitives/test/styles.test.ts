import { describeStylesContract } from './contract/styles.contract.ts';

describeStylesContract('detector off');
