import { join } from 'node:path';
import { RuleTester } from '@typescript-eslint/rule-tester';
import { afterAll, describe, it } from 'vitest';

RuleTester.afterAll = afterAll;
RuleTester.describe = describe;
RuleTester.it = it;
RuleTester.itOnly = it.only;

/**
 * The typed fixture project: `file.ts` is the linted file, the stand-in primitives resolve through
 * `paths`.
 */
export const fixturesDir = join(import.meta.dirname, '..', 'fixtures');

/** A RuleTester with full type information from the fixture project. */
export function typedRuleTester(): RuleTester {
  return new RuleTester({
    languageOptions: {
      parserOptions: { projectService: true, tsconfigRootDir: fixturesDir },
    },
  });
}

/** A RuleTester without type information: the rules fall back to same-file declarations. */
export function untypedRuleTester(): RuleTester {
  return new RuleTester();
}
