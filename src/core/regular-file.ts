// Results folders are read back from wherever they were copied: a name that should be a file can
// be a FIFO, which blocks whoever opens it until something writes to it (for ever), or a device.

import { statSync } from "node:fs";

/** Whether `path` is a regular file (links followed); false when it is absent or cannot be looked at. */
export function isRegularFile(path: string): boolean {
  try {
    return statSync(path).isFile();
  } catch {
    return false;
  }
}
