import type { TSESLint } from '@typescript-eslint/utils';
import noSelfDeadlock from './rules/no-self-deadlock.ts';

const rules = {
  'no-self-deadlock': noSelfDeadlock,
};

export type RuleName = keyof typeof rules;

const meta = { name: '@interlock/eslint-plugin', version: '0.1.0' };

const plugin = { meta, rules } as unknown as TSESLint.FlatConfig.Plugin;

function configFor(level: 'recommended' | 'strict'): TSESLint.FlatConfig.Config {
  const enabled: Record<string, TSESLint.FlatConfig.RuleLevel> = {};
  for (const [name, rule] of Object.entries(rules)) {
    const recommended = rule.meta.docs?.recommended;
    if (level === 'strict' || recommended === 'recommended') enabled[`@interlock/${name}`] = 'error';
  }
  return { name: `@interlock/${level}`, plugins: { '@interlock': plugin }, rules: enabled };
}

/**
 * The interlock ESLint plugin. The configs are type-aware: add
 * `languageOptions: { parserOptions: { projectService: true } }` (typescript-eslint's parser).
 *
 * @example
 * ```js
 * import interlock from '@interlock/eslint-plugin';
 * export default [interlock.configs.recommended];
 * ```
 */
export default {
  meta,
  rules,
  configs: {
    recommended: configFor('recommended'),
    strict: configFor('strict'),
  },
};
