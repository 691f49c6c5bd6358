/** The Guard of a thread primitive's acquisition. */
import type { Guard } from '../guard.ts';

/** Releases one acquisition, once. */
export class ThreadGuard implements Guard {
  // Called at most once, by the first release.
  #release: (() => void) | undefined;

  constructor(release: () => void) {
    this.#release = release;
  }

  get released(): boolean {
    return this.#release === undefined;
  }

  release(): void {
    const release = this.#release;
    if (release === undefined) return;
    release();
    this.#release = undefined;
  }

  [Symbol.dispose](): void {
    this.release();
  }
}
