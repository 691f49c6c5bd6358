import type { TSESLint } from '@typescript-eslint/utils';
import { describe, expect, it } from 'vitest';
import { createRule } from '../../src/util/create-rule.ts';

// createRule merges a rule's options with its defaults once and reuses the merge while ESLint
// hands it the same option objects (a new array per file, the same elements). A rule whose
// options change from one file to the next must see the new ones, never the last file's.
type Options = [{ depth?: number; names?: string[] }];
const defaults = { depth: 2, names: ['a'] };

function recordingRule(seen: Options[0][]) {
  return createRule<Options, 'found'>({
    name: 'recording',
    meta: {
      type: 'problem',
      docs: { description: 'records its options', requiresTypeChecking: false },
      messages: { found: 'found' },
      schema: [{ type: 'object' }],
      defaultOptions: [defaults],
    },
    create(_context, [options]) {
      seen.push(options);
      return {};
    },
  });
}

const contextWith = (options: readonly unknown[]) =>
  ({ options }) as unknown as Readonly<TSESLint.RuleContext<'found', Options>>;

describe('createRule', () => {
  it('gives each file the options it was configured with, also when they alternate', () => {
    const seen: Options[0][] = [];
    const rule = recordingRule(seen);
    const deeper = { depth: 5 };
    for (const given of [[defaults], [defaults], [deeper], [{ depth: 5 }], [], [defaults]]) {
      rule.create(contextWith([...given]));
    }
    expect(seen).toEqual([
      defaults,
      defaults,
      { depth: 5, names: ['a'] },
      { depth: 5, names: ['a'] },
      defaults,
      defaults,
    ]);
  });

  it('reuses one frozen merge for the same option objects', () => {
    const seen: Options[0][] = [];
    const rule = recordingRule(seen);
    rule.create(contextWith([defaults]));
    rule.create(contextWith([defaults]));
    expect(seen[0]).toBe(seen[1]);
    expect(Object.isFrozen(seen[0])).toBe(true);
  });
});
