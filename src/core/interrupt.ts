// What happens when Vigil is stopped (Ctrl-C, SIGTERM, SIGHUP): the clean-ups registered here run,
// newest first, and the process then ends by the same signal (its default action), so that the
// caller (bin/vigil.js, a shell) sees how it ended. Without a registered clean-up, a signal keeps
// its default action. One handler for all, so that no clean-up ends the process before the
// others have run.

type Cleanup = (signal: NodeJS.Signals) => void;

export const ALL_SIGNALS: readonly NodeJS.Signals[] = ["SIGINT", "SIGTERM", "SIGHUP"];
const cleanups: { fn: Cleanup; signals: readonly NodeJS.Signals[] }[] = [];
const installed = new Set<NodeJS.Signals>();
let stopping = false;

function stop(signal: NodeJS.Signals): void {
  // bin/vigil.js passes on a signal the terminal also sent to this process: run once.
  if (stopping) return;
  stopping = true;
  process.stderr.write(`\nvigil: interrupted (${signal})\n`);
  for (const { fn } of [...cleanups].reverse()) {
    try {
      fn(signal);
    } catch {
      // Best effort: the next clean-up still runs.
    }
  }
  for (const s of installed) process.off(s, stop);
  installed.clear();
  process.kill(process.pid, signal);
}

/** Handles exactly the signals some registered clean-up asks for; the others keep their default action. */
function sync(): void {
  const wanted = new Set(cleanups.flatMap((c) => c.signals));
  for (const s of wanted) if (!installed.has(s)) process.on(s, stop);
  for (const s of installed) if (!wanted.has(s)) process.off(s, stop);
  installed.clear();
  for (const s of wanted) installed.add(s);
}

/**
 * Runs `fn` if the process is stopped by one of `signals`; returns a function that unregisters
 * it. A JavaScript handler only runs when the main thread is free: a process blocked in a
 * synchronous call (a read from a FIFO) stops only once it returns, so only what has something
 * to clean up asks for signals.
 */
export function onInterrupt(fn: Cleanup, signals: readonly NodeJS.Signals[] = ALL_SIGNALS): () => void {
  const entry = { fn, signals };
  cleanups.push(entry);
  sync();
  return () => {
    const i = cleanups.lastIndexOf(entry);
    if (i >= 0) cleanups.splice(i, 1);
    if (!stopping) sync();
  };
}

/**
 * Stops the process as `signal` would, from within: the registered clean-ups run, then it ends
 * by that signal. For a command `vigil app` cancels over its channel (or that loses its app).
 */
export function interrupt(signal: NodeJS.Signals = "SIGTERM"): void {
  stop(signal);
}
