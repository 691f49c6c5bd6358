import { readFileSync, readdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { OutputError } from '../src/errors.ts';
import { writeAtomically } from '../src/write-output.ts';
import { temporaryDirectory } from './reports.ts';

describe('writeAtomically', () => {
  it('replaces the file whole', async () => {
    const dir = temporaryDirectory();
    const file = path.join(dir, 'out.txt');
    writeFileSync(file, 'old');
    await writeAtomically(file, ['new ', 'content']);
    expect(readFileSync(file, 'utf8')).toBe('new content');
    expect(readdirSync(dir)).toEqual(['out.txt']);
  });

  it('a failure half-way through leaves the old file as it was and no temporary file', async () => {
    const dir = temporaryDirectory();
    const file = path.join(dir, 'out.txt');
    writeFileSync(file, 'old');
    function* failing(): Generator<string> {
      yield 'the first half';
      throw new Error('renderer failed');
    }
    await expect(writeAtomically(file, failing())).rejects.toThrow('renderer failed');
    expect(readFileSync(file, 'utf8')).toBe('old');
    expect(readdirSync(dir)).toEqual(['out.txt']);
  });

  it('a failure before any file existed leaves no file', async () => {
    const dir = temporaryDirectory();
    function* failing(): Generator<string> {
      yield 'part';
      throw new Error('renderer failed');
    }
    await expect(writeAtomically(path.join(dir, 'new.txt'), failing())).rejects.not.toBeInstanceOf(
      OutputError,
    );
    expect(readdirSync(dir)).toEqual([]);
  });
});
