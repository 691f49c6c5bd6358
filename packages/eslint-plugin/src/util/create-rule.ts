import { ESLintUtils, type TSESLint } from '@typescript-eslint/utils';

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

const namedRule = ESLintUtils.RuleCreator<InterlockRuleDocs>((name) => `${docsBase}/${name}.md`);

/**
 * typescript-eslint's `RuleCreator` (docs URL, typed options), except that the options with
 * their defaults are merged once per distinct configured options instead of once per file:
 * `RuleCreator` deep-copies the defaults with `structuredClone` on every file for every rule,
 * which on a 2,000-file program was the largest part of what our rules cost on lock-free files
 * (~10 µs × 7 rules × 2,000 files). The merged options are frozen, so no file can change
 * another's.
 */
export function createRule<Options extends readonly unknown[], MessageIds extends string>(
  rule: Readonly<ESLintUtils.RuleWithMetaAndName<Options, MessageIds, InterlockRuleDocs>>,
): ReturnType<typeof namedRule<Options, MessageIds>> {
  const created = namedRule(rule);
  const defaults = (rule.meta.defaultOptions ?? []) as Options;
  const merged = new Map<string, Options>();
  // ESLint builds a new options array per file, but for a rule configured without options its
  // elements are the same `meta.defaultOptions` objects every time: the last merge is reused when
  // the elements are, with no key to build (JSON.stringify of the options per file and rule was
  // most of what `consistent-lock-order` cost on a lock-free file).
  let last: { readonly given: readonly unknown[]; readonly options: Options } | undefined;
  return {
    ...created,
    create(context: Readonly<TSESLint.RuleContext<MessageIds, Options>>) {
      const given = context.options;
      if (last && sameElements(last.given, given)) return rule.create(context, last.options);
      const key = given.length === 0 ? '' : JSON.stringify(given);
      const cached = merged.get(key);
      const options =
        cached ?? deepFreeze(ESLintUtils.applyDefault<Options, Options>(defaults, given));
      if (cached === undefined) merged.set(key, options);
      last = { given, options };
      return rule.create(context, options);
    },
  };
}

function sameElements(a: readonly unknown[], b: readonly unknown[]): boolean {
  return a.length === b.length && a.every((value, index) => value === b[index]);
}

function deepFreeze<T>(value: T): T {
  if (typeof value === 'object' && value !== null && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const child of Object.values(value)) deepFreeze(child);
  }
  return value;
}
