import { describeSemaphoreContract } from './contract/semaphore.contract.ts';

describeSemaphoreContract('detector off');
