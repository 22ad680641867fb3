/* A lock shared by every Jest worker of a harness run, for tests that change or rely on one cluster-wide thing. */
import fs from 'node:fs';
import path from 'node:path';
import { harnessEnv } from './harnessEnv.ts';

/**
 * Waits until no other worker holds the lock `name` (a directory in the harness's folder: `mkdir` is
 * atomic, and a new run starts with a new folder, so a crashed worker's lock dies with its run), takes it,
 * and returns the function that gives it back. Hold it for as short as the shared thing needs.
 */
export async function acquireHarnessLock(
  name: string,
  options: { timeoutMs?: number } = {},
): Promise<() => void> {
  const lock = path.join(harnessEnv('MAAS_HARNESS_DIR'), `${name}.lock`);
  const timeoutMs = options.timeoutMs ?? 120_000;
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      fs.mkdirSync(lock);
      break;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      if (Date.now() > deadline)
        throw new Error(
          `another test held the harness lock ${name} for over ${Math.round(
            timeoutMs / 1000,
          )} s`,
        );
      await new Promise(r => setTimeout(r, 250));
    }
  }
  let held = true;
  return () => {
    if (!held) return;
    held = false;
    fs.rmdirSync(lock);
  };
}
