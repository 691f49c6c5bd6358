import type { ESLint, Linter, Rule } from 'eslint';
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

/** A flat config of this plugin: it registers the plugin as `@interlock` and turns rules on. */
export interface InterlockConfig extends Linter.Config {
  name: string;
  plugins: { '@interlock': InterlockPlugin };
  rules: Partial<Record<`@interlock/${RuleName}`, Linter.RuleEntry>>;
}

/**
 * The plugin object: the same object the configs register, so it may also be registered by hand.
 * Typed with ESLint's own types (`eslint` is a peer dependency), which both ESLint's
 * `defineConfig` and typescript-eslint's `config` accept; the rules are built with
 * typescript-eslint's `RuleCreator`, whose stricter rule type ESLint's does not accept (see
 * typescript-eslint#10899), so the named export `rules` keeps their precise types.
 */
export interface InterlockPlugin extends ESLint.Plugin {
  meta: { name: string; version: string };
  rules: Record<RuleName, Rule.RuleModule>;
  configs: {
    /** The rules that find certain bugs, all as errors. */
    recommended: InterlockConfig;
    /** Every rule, with the stricter options (`no-unmanaged-acquire`'s `preferUsing`). */
    strict: InterlockConfig;
  };
}

/** Rule options the strict config turns on beyond `recommended`. */
const strictOptions: Partial<Record<RuleName, unknown[]>> = {
  'no-unmanaged-acquire': [{ preferUsing: true }],
};

/**
 * The interlock ESLint plugin. Both configs are type-aware: use typescript-eslint's parser with
 * `languageOptions: { parserOptions: { projectService: true } }`. Without type information the
 * rules still run, on locks declared in the same file only.
 *
 * @example
 * ```js
 * // eslint.config.js
 * import { defineConfig } from 'eslint/config';
 * import tseslint from 'typescript-eslint';
 * import interlock from '@interlock/eslint-plugin';
 *
 * export default defineConfig(
 *   tseslint.configs.recommended,
 *   interlock.configs.recommended,
 *   { languageOptions: { parserOptions: { projectService: true } } },
 * );
 * ```
 */
const plugin: InterlockPlugin = {
  meta: { name: '@interlock/eslint-plugin', version: '0.1.0' },
  // The one place the two rule types meet: typescript-eslint's RuleModule is an ESLint rule at
  // run time, but its `create` takes typescript-eslint's context type, which ESLint's does not
  // extend (typescript-eslint#10899).
  rules: rules as unknown as Record<RuleName, Rule.RuleModule>,
  // Filled in below: each config must point back at this very object, or ESLint refuses a
  // config that registers the plugin by hand next to one of ours ("Cannot redefine plugin").
  configs: {} as InterlockPlugin['configs'],
};

function configFor(level: 'recommended' | 'strict'): InterlockConfig {
  const enabled: InterlockConfig['rules'] = {};
  for (const [name, rule] of Object.entries(rules) as [RuleName, (typeof rules)[RuleName]][]) {
    const recommended = rule.meta.docs?.recommended;
    if (level === 'recommended' && recommended !== 'recommended') continue;
    const options = level === 'strict' ? strictOptions[name] : undefined;
    enabled[`@interlock/${name}`] = options ? ['error', ...options] : 'error';
  }
  return { name: `@interlock/${level}`, plugins: { '@interlock': plugin }, rules: enabled };
}

plugin.configs.recommended = configFor('recommended');
plugin.configs.strict = configFor('strict');

export default plugin;
