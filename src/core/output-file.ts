// Vigil's results are written under a temporary name (`<name>.partial`) and renamed once
// complete: a check stopped half-way (a full disk, a crash, a kill) never leaves a truncated file
// under a finished name. A write that fails names the file it was writing, in one line.
import { closeSync, openSync, renameSync, rmSync, writeFileSync, writeSync } from "node:fs";
import { VigilError } from "./errors.ts";

export const PARTIAL_SUFFIX = ".partial";
export const partialPath = (path: string): string => path + PARTIAL_SUFFIX;

/** A failed write of an output: it ends the check (it is not a problem of the evidence). */
export class OutputError extends VigilError {
  constructor(message: string, file: string, cause?: unknown) {
    super(message, { file, code: "output", cause });
    this.name = "OutputError";
  }
}

const WRITE_SIDE = new Set(["write", "close", "fsync", "ftruncate", "rename"]);
const WORDS: Record<string, string> = {
  ENOSPC: "no space left on device",
  EDQUOT: "disk quota exceeded",
  EFBIG: "file too large",
  EROFS: "read-only file system",
};

/** The error of a failed output operation on `path`, as one line naming the file. */
export function outputError(e: unknown, path: string): VigilError {
  if (e instanceof VigilError) return e;
  const err = e as NodeJS.ErrnoException;
  const code = typeof err?.code === "string" ? err.code : undefined;
  // "ENOSPC: no space left on device, write" → "no space left on device".
  const what = (code && WORDS[code]) ?? String(err?.message ?? e).split("\n")[0].replace(/^[A-Z0-9_]+: /, "").replace(/, \w+( '.*')?$/, "");
  const file = typeof err?.path === "string" && !(code && WORDS[code]) ? err.path : path;
  const verb = !err?.syscall || WRITE_SIDE.has(err.syscall) || (code && WORDS[code]) ? "cannot write" : `cannot ${err.syscall}`;
  return new OutputError(`${verb}: ${what}${code ? ` (${code})` : ""}`, file, e);
}

/** Runs `fn`, turning any failure into an OutputError naming `path`. */
export function guardOutput<T>(path: string, fn: () => T): T {
  try {
    return fn();
  } catch (e) {
    throw outputError(e, path);
  }
}

/** Writes a whole output file: under its temporary name, then renamed. */
export function writeOutputFile(path: string, data: string | Buffer): void {
  const tmp = partialPath(path);
  try {
    writeFileSync(tmp, data);
    renameSync(tmp, path);
  } catch (e) {
    rmSync(tmp, { force: true });
    throw outputError(e, path);
  }
}

/** An output file written in pieces through its descriptor, then committed (renamed) or discarded. */
export class OutputFile {
  readonly fd: number;
  readonly tmp: string;
  private open = true;
  constructor(readonly path: string) {
    this.tmp = partialPath(path);
    this.fd = guardOutput(path, () => openSync(this.tmp, "w"));
  }
  write(data: string | Buffer): void {
    guardOutput(this.path, () => (typeof data === "string" ? writeSync(this.fd, data) : writeSync(this.fd, data, 0, data.length)));
  }
  /** Closes the file and gives it its final name. */
  commit(): void {
    this.open = false;
    guardOutput(this.path, () => {
      closeSync(this.fd);
      renameSync(this.tmp, this.path);
    });
  }
  /** Closes and removes the unfinished file. */
  discard(): void {
    if (this.open) {
      this.open = false;
      try {
        closeSync(this.fd);
      } catch {
        // Already failed; the file is removed either way.
      }
    }
    rmSync(this.tmp, { force: true });
  }
}
