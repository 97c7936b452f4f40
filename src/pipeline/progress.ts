// Progress lines on stderr. A transient line (a module's row count) is redrawn in place on a
// terminal and dropped otherwise; a lasting line clears it first.

export type ProgressFn = (line: string, transient?: boolean) => void;

export function makeProgress(quiet?: boolean): ProgressFn {
  const tty = process.stderr.isTTY;
  let transientShown = false;
  return (line, transient) => {
    if (quiet) return;
    if (transient) {
      if (!tty) return;
      process.stderr.write(`\r\x1b[K${line.slice(0, (process.stderr.columns ?? 100) - 1)}`);
      transientShown = true;
      return;
    }
    if (transientShown) process.stderr.write("\r\x1b[K");
    transientShown = false;
    process.stderr.write(line + "\n");
  };
}
