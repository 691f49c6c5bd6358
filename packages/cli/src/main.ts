/** The `interlock` executable's body: run the CLI on this process's arguments. */
import { run } from './cli.ts';

// A closed pipe (`interlock report | head`) is the reader's choice, not an error.
process.stdout.on('error', (error: NodeJS.ErrnoException) => {
  if (error.code !== 'EPIPE') throw error;
});
process.exitCode = await run(process.argv.slice(2));
