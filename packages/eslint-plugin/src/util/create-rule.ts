import { ESLintUtils } from '@typescript-eslint/utils';

/** The `meta.docs` every interlock rule carries. */
export interface InterlockRuleDocs {
  description: string;
  /** The config that enables the rule; absent when only `strict` does. */
  recommended?: 'recommended' | 'strict';
  /** The rule uses type information when it is there (it degrades without it, see its doc). */
  requiresTypeChecking: boolean;
}

const docsBase =
  'https://github.com/interlock-js/interlock/blob/main/packages/eslint-plugin/docs/rules';

export const createRule = ESLintUtils.RuleCreator<InterlockRuleDocs>(
  (name) => `${docsBase}/${name}.md`,
);
