import { describeLockContract } from './contract/lock.contract.ts';

describeLockContract('detector off');
