#!/usr/bin/env node
// The published package runs the compiled dist/; the workspace runs the TypeScript sources
// (Node 24 strips their types).
import { existsSync } from 'node:fs';

const compiled = new URL('../dist/main.js', import.meta.url);
await import(
  existsSync(compiled) ? compiled.href : new URL('../src/main.ts', import.meta.url).href
);
