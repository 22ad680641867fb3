/* Waiting for a server to become ready. */

export function sleep(ms: number): Promise<void> {
  return new Promise(resolve => setTimeout(resolve, ms));
}

/**
 * Polls `check` until it returns a truthy value. `alive` (if given) is asked each round and its message, when
 * it returns one, aborts the wait (e.g. "etcd exited with code 1").
 */
export async function waitFor<T>(
  what: string,
  check: () => Promise<T | undefined | false>,
  options: {
    timeoutMs: number;
    intervalMs?: number;
    alive?: () => string | undefined;
  },
): Promise<T> {
  const deadline = Date.now() + options.timeoutMs;
  let lastError: unknown;
  for (;;) {
    const dead = options.alive?.();
    if (dead) throw new Error(`${what}: ${dead}`);
    try {
      const result = await check();
      if (result) return result;
    } catch (e) {
      lastError = e;
    }
    if (Date.now() > deadline) {
      const detail =
        lastError instanceof Error ? ` (last error: ${lastError.message})` : '';
      throw new Error(
        `timed out after ${
          options.timeoutMs / 1000
        } s waiting for ${what}${detail}`,
      );
    }
    await sleep(options.intervalMs ?? 100);
  }
}
