import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Lexer, walkTokens, type Token, type Tokens } from 'marked';
import { repoRoot } from './workspace.ts';

/** A fenced code block: its info string split into words, its code, and the line it opens on. */
export interface CodeBlock {
  /** The info string's words: language first, then markers such as `runnable` or `pack-test=id`. */
  readonly info: readonly string[];
  readonly code: string;
  /** 1-based line of the opening fence in the Markdown file. */
  readonly line: number;
}

/** Every token of a Markdown file, however deeply nested (lists, tables, blockquotes). */
export function markdownTokens(text: string): Token[] {
  const all: Token[] = [];
  // walkTokens returns the callbacks' results (promises only for async extensions; none here).
  void walkTokens(new Lexer({ gfm: true }).lex(text), (token) => void all.push(token));
  return all;
}

/** The fenced code blocks of `markdownPath` (relative to the repository root), in order. */
export function codeBlocks(markdownPath: string): CodeBlock[] {
  const text = readFileSync(join(repoRoot, markdownPath), 'utf8');
  const blocks: CodeBlock[] = [];
  let searchFrom = 0;
  for (const token of markdownTokens(text)) {
    if (token.type !== 'code') continue;
    const code = token as Tokens.Code;
    const offset = text.indexOf(code.raw, searchFrom);
    searchFrom = offset + code.raw.length;
    blocks.push({
      info: (code.lang ?? '').split(/\s+/).filter((word) => word !== ''),
      code: code.text.endsWith('\n') ? code.text : `${code.text}\n`,
      line: text.slice(0, offset).split('\n').length,
    });
  }
  return blocks;
}

/** The one block of `markdownPath` marked `marker` (e.g. `pack-test=define-config`). */
export function markedBlock(markdownPath: string, marker: string): CodeBlock {
  const found = codeBlocks(markdownPath).filter((block) => block.info.includes(marker));
  if (found.length !== 1)
    throw new Error(`${markdownPath}: expected one block marked ${marker}, found ${found.length}`);
  return found[0] as CodeBlock;
}
