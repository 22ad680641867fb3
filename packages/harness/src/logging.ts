/* How the harness reports progress: one line per event on stderr, prefixed [harness]. */

export type Logger = (message: string) => void;

export const stderrLogger: Logger = message => {
  process.stderr.write(`[harness] ${message}\n`);
};

/** Seconds since `fromMs`, for log lines ("4.2 s"). */
export function seconds(fromMs: number): string {
  return `${((Date.now() - fromMs) / 1000).toFixed(1)} s`;
}
