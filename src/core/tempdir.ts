// One private temp folder per process for decrypted files and SQLite copies; removed on exit.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { onInterrupt } from "./interrupt.ts";

let root: string | undefined;
let counter = 0;
/** Distinguishes the folders of worker threads sharing one root. */
let prefix = "";

function cleanup(): void {
  if (root) {
    try {
      rmSync(root, { recursive: true, force: true });
    } catch {
      /* best effort at exit */
    }
    root = undefined;
  }
}

/** The process's private temp root, created on first use. */
export function privateTempRoot(): string {
  if (!root) {
    root = mkdtempSync(join(tmpdir(), "vigil-"));
    process.once("exit", cleanup);
    // SIGHUP keeps its default action, as before results are being written (see output-dir.ts).
    onInterrupt(cleanup, ["SIGINT", "SIGTERM"]);
  }
  return root;
}

/**
 * A worker thread uses the main thread's root: what it leaves there (timeline chunks handed
 * over at the end) must outlive the thread, and the main thread removes the root at exit.
 */
export function useTempRoot(dir: string, label: string): void {
  root = dir;
  prefix = label;
}

/** A fresh folder under the process's private temp root (mode 0700 via mkdtemp). */
export function privateTempDir(label = "t"): string {
  return mkdtempSync(join(privateTempRoot(), `${prefix}${label.replace(/[^\w.-]/g, "_")}-${counter++}-`));
}

export function removeTempDir(dir: string): void {
  rmSync(dir, { recursive: true, force: true });
}
