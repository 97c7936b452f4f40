// One check at a time per results folder (and one command at a time per case folder): a lock
// file created exclusively (O_EXCL) in the folder, holding the pid of the process that writes
// there. A lock whose process is gone (a check killed with SIGKILL, a machine that rebooted) is
// stale and is taken over.
import { closeSync, openSync, readFileSync, rmSync, statSync, writeSync } from "node:fs";
import { join } from "node:path";
import { VigilError } from "./errors.ts";

export const LOCK_FILE = ".vigil-lock";
/** A lock file without a pid yet is being written; past this age it was left half-written. */
const UNWRITTEN_GRACE_MS = 60_000;

/** Whether a process with this pid exists (EPERM: it does, under another user). */
function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === "EPERM";
  }
}

/**
 * The pid of the live process holding `dir`'s lock (`file`); undefined when there is none or it
 * is stale; -1 while its holder is still writing its pid.
 */
export function lockHolder(dir: string, file = LOCK_FILE): number | undefined {
  const path = join(dir, file);
  let text: string;
  try {
    text = readFileSync(path, "utf8");
  } catch {
    return undefined;
  }
  const pid = /^\d+$/.test(text.trim()) ? Number(text.trim()) : undefined;
  if (pid === undefined) {
    const age = Date.now() - (statSync(path, { throwIfNoEntry: false })?.mtimeMs ?? 0);
    return age < UNWRITTEN_GRACE_MS ? -1 : undefined;
  }
  return alive(pid) ? pid : undefined;
}

function refusal(dir: string, pid: number): VigilError {
  const who = pid > 0 ? ` (pid ${pid})` : "";
  return new VigilError(`results folder is being written by another Vigil check${who}; choose another --output`, { file: dir, code: "usage" });
}

/** Refuses `dir` if a live check holds its lock (before any work). */
export function refuseIfLocked(dir: string): void {
  const pid = lockHolder(dir);
  if (pid !== undefined) throw refusal(dir, pid);
}

export interface LockOptions {
  /** The lock file's name in the folder (default: a results folder's). */
  file?: string;
  /** The error when a live process holds the lock (its pid; -1 when not known yet). */
  refusal?: (dir: string, pid: number) => VigilError;
}

/** Takes `dir`'s lock for this process; throws a usage error when a live process holds it. */
export function lockFolder(dir: string, opts: LockOptions = {}): { release(): void } {
  const file = opts.file ?? LOCK_FILE;
  const refused = opts.refusal ?? refusal;
  const path = join(dir, file);
  for (let attempt = 0; ; attempt++) {
    let fd: number;
    try {
      fd = openSync(path, "wx", 0o644);
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== "EEXIST") {
        throw new VigilError(`cannot create ${file} (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`, { file: dir, code: "usage" });
      }
      const pid = lockHolder(dir, file);
      if (pid !== undefined || attempt > 0) throw refused(dir, pid ?? -1);
      rmSync(path, { force: true }); // stale
      continue;
    }
    try {
      writeSync(fd, `${process.pid}\n`);
    } finally {
      closeSync(fd);
    }
    let held = true;
    return {
      release() {
        if (held) rmSync(path, { force: true });
        held = false;
      },
    };
  }
}
