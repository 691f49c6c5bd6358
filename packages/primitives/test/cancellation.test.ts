import { describeCancellationContract } from './contract/cancellation.contract.ts';

describeCancellationContract('detector off');
