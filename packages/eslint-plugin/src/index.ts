import type { TSESLint } from '@typescript-eslint/utils';
import conditionWaitInLoop from './rules/condition-wait-in-loop.ts';
import consistentLockOrder from './rules/consistent-lock-order.ts';
import noFloatingAcquire from './rules/no-floating-acquire.ts';
import noSelfDeadlock from './rules/no-self-deadlock.ts';
import noUnguardedSharedWrite from './rules/no-unguarded-shared-write.ts';
import noUnmanagedAcquire from './rules/no-unmanaged-acquire.ts';
import requireConditionLock from './rules/require-condition-lock.ts';

/** Every rule of the plugin, by name (without the `@interlock/` prefix). */
export const rules = {
  'condition-wait-in-loop': conditionWaitInLoop,
  'consistent-lock-order': consistentLockOrder,
  'no-floating-acquire': noFloatingAcquire,
  'no-self-deadlock': noSelfDeadlock,
  'no-unguarded-shared-write': noUnguardedSharedWrite,
  'no-unmanaged-acquire': noUnmanagedAcquire,
  'require-condition-lock': requireConditionLock,
};

export type RuleName = keyof typeof rules;

const meta = { name: '@interlock/eslint-plugin', version: '0.1.0' };

const plugin = { meta, rules } as unknown as TSESLint.FlatConfig.Plugin;

/** Rule options the strict config turns on beyond `recommended`. */
const strictOptions: Partial<Record<RuleName, unknown[]>> = {
  'no-unmanaged-acquire': [{ preferUsing: true }],
};

function configFor(level: 'recommended' | 'strict'): TSESLint.FlatConfig.Config {
  const enabled: Record<string, TSESLint.FlatConfig.RuleEntry> = {};
  for (const [name, rule] of Object.entries(rules) as [RuleName, (typeof rules)[RuleName]][]) {
    const recommended = rule.meta.docs?.recommended;
    if (level === 'recommended' && recommended !== 'recommended') continue;
    const options = level === 'strict' ? strictOptions[name] : undefined;
    enabled[`@interlock/${name}`] = options ? ['error', ...options] : 'error';
  }
  return { name: `@interlock/${level}`, plugins: { '@interlock': plugin }, rules: enabled };
}

/**
 * The interlock ESLint plugin. Both configs are type-aware: use typescript-eslint's parser with
 * `languageOptions: { parserOptions: { projectService: true } }`. Without type information the
 * rules still run, on locks declared in the same file only.
 *
 * @example
 * ```js
 * // eslint.config.js
 * import tseslint from 'typescript-eslint';
 * import interlock from '@interlock/eslint-plugin';
 *
 * export default [
 *   ...tseslint.configs.recommended,
 *   interlock.configs.recommended,
 *   { languageOptions: { parserOptions: { projectService: true } } },
 * ];
 * ```
 */
const interlock = {
  meta,
  rules,
  configs: {
    /** The rules that find certain bugs, all as errors. */
    recommended: configFor('recommended'),
    /** Every rule, with the stricter options (`no-unmanaged-acquire`'s `preferUsing`). */
    strict: configFor('strict'),
  },
};

// The configs point back at the plugin object users import.
Object.assign(plugin, interlock);

export default interlock;
