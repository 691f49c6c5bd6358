import type { ESLint, Rule } from 'eslint';
import ts from 'typescript';

/**
 * A stand-in plugin for testing the harness itself, so the harness is proven before (and
 * independently of) the real rules: one syntactic rule, one that needs type information, and
 * one that crashes on purpose.
 */

const noDebugger: Rule.RuleModule = {
  meta: { type: 'problem', schema: [], messages: { found: 'debugger statement' } },
  create(context) {
    return {
      DebuggerStatement(node) {
        context.report({ node, messageId: 'found' });
      },
    };
  },
};

/** Reports `const x = …` whose initialiser the type checker types as `number`. */
const numberConst: Rule.RuleModule = {
  meta: { type: 'problem', schema: [], messages: { found: '{{name}} is a number' } },
  create(context) {
    const services = context.sourceCode.parserServices as {
      program?: ts.Program;
      esTreeNodeToTSNodeMap?: { get(node: unknown): ts.Node };
    };
    const checker = services.program?.getTypeChecker();
    if (checker === undefined || services.esTreeNodeToTSNodeMap === undefined) {
      throw new Error('numberConst needs type information');
    }
    const nodeMap = services.esTreeNodeToTSNodeMap;
    return {
      VariableDeclarator(node) {
        if (node.init == null || node.id.type !== 'Identifier') return;
        const type = checker.getTypeAtLocation(nodeMap.get(node.init));
        if ((type.flags & ts.TypeFlags.NumberLike) !== 0)
          context.report({ node, messageId: 'found', data: { name: node.id.name } });
      },
    };
  },
};

/** Throws on any identifier named `boom`, as a buggy rule would. */
const crashOnBoom: Rule.RuleModule = {
  meta: { type: 'problem', schema: [], messages: {} },
  create() {
    return {
      Identifier(node) {
        if (node.name === 'boom') throw new TypeError('toy rule tripped over boom');
      },
    };
  },
};

export const toyPlugin = {
  meta: { name: 'toy' },
  rules: { 'no-debugger': noDebugger, 'number-const': numberConst, 'crash-on-boom': crashOnBoom },
} satisfies ESLint.Plugin;
