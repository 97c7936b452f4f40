// What happens when Vigil is stopped (Ctrl-C, SIGTERM, SIGHUP): the clean-ups registered here run,
// newest first, and the process then ends by the same signal (its default action), so that the
// caller (bin/vigil.js, a shell) sees how it ended. Without a registered clean-up, a signal keeps
// its default action. One handler for all, so that no clean-up ends the process before the
// others have run.

type Cleanup = (signal: NodeJS.Signals) => void;

const SIGNALS: NodeJS.Signals[] = ["SIGINT", "SIGTERM", "SIGHUP"];
const cleanups: Cleanup[] = [];
let installed = false;
let stopping = false;

function stop(signal: NodeJS.Signals): void {
  // bin/vigil.js passes on a signal the terminal also sent to this process: run once.
  if (stopping) return;
  stopping = true;
  process.stderr.write(`\nvigil: interrupted (${signal})\n`);
  for (const fn of [...cleanups].reverse()) {
    try {
      fn(signal);
    } catch {
      // Best effort: the next clean-up still runs.
    }
  }
  for (const s of SIGNALS) process.off(s, stop);
  process.kill(process.pid, signal);
}

/** Runs `fn` if the process is stopped by a signal; returns a function that unregisters it. */
export function onInterrupt(fn: Cleanup): () => void {
  if (!installed) {
    installed = true;
    for (const s of SIGNALS) process.on(s, stop);
  }
  cleanups.push(fn);
  return () => {
    const i = cleanups.lastIndexOf(fn);
    if (i >= 0) cleanups.splice(i, 1);
  };
}
