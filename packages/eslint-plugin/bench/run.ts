// `pnpm --filter @interlock/eslint-plugin bench`: every benchmark of this package, in turn.
await import('./lint-timing.ts');
