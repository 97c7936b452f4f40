// A scratch folder on a file system that keeps a modification time past what a JavaScript Date
// holds (year 31 million: tmpfs and btrfs do), for tests of times no Date can hold.
import { mkdtempSync, rmSync, statSync, utimesSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

/** Seconds since 1970 of year 31 million, as utimesSync takes them. */
export const FAR_FUTURE = 1e15;

/** A new folder where FAR_FUTURE can be set, else undefined (the caller removes it). */
export function farFutureFolder(): string | undefined {
  for (const parent of [tmpdir(), "/dev/shm"]) {
    let dir: string | undefined;
    try {
      dir = mkdtempSync(join(parent, "vigil-far-"));
      writeFileSync(join(dir, "t"), "");
      utimesSync(join(dir, "t"), FAR_FUTURE, FAR_FUTURE);
      if (statSync(join(dir, "t")).mtimeMs === FAR_FUTURE * 1000) return dir;
    } catch {
      // Not this one.
    }
    if (dir) rmSync(dir, { recursive: true, force: true });
  }
  return undefined;
}
