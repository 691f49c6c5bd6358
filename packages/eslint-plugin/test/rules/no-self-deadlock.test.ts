import rule from '../../src/rules/no-self-deadlock.ts';
import { typedRuleTester } from './rule-tester.ts';

const ruleTester = typedRuleTester();

ruleTester.run('no-self-deadlock', rule, {
  valid: [
    `
import { Lock } from '@interlock/primitives';
const lock = new Lock();
export async function f() {
  using g = await lock.acquire();
}
`,
  ],
  invalid: [
    {
      code: `
import { Lock } from '@interlock/primitives';
const lock = new Lock();
export async function f() {
  using g = await lock.acquire();
  using h = await lock.acquire();
}
`,
      errors: [{ messageId: 'selfDeadlock', line: 6, column: 19 }],
    },
  ],
});
