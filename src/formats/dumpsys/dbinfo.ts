// dumpsys dbinfo: databases each process has open, and the recent operations on them.
import { deviceTime } from "./text.ts";

export interface DbinfoOperation {
  pid?: number;
  process?: string;
  path: string;
  action?: string;
  sql?: string;
  /** Device wall clock, converted as if UTC. */
  timestamp?: string;
  timestamp_is_device_local: true;
}

const DB_OP_RE = /^\d+: \[(\d{4}-\d\d-\d\d \d\d:\d\d:\d\d(?:\.\d+)?)\]\s*(?:\[Pid:\((\d+)\)\])?\s*(\w+) took .*?(?:sql="(.*?)")?(?:, path=(\S+))?$/;

export function parseDbinfo(lines: string[]): DbinfoOperation[] {
  const out: DbinfoOperation[] = [];
  let pid: number | undefined;
  let proc: string | undefined;
  let path: string | undefined;
  let pathHadOps = false;
  const flushPath = () => {
    if (path && !pathHadOps) out.push({ pid, process: proc, path, timestamp_is_device_local: true });
    path = undefined;
  };
  for (const line of lines) {
    const t = line.trim();
    const h = /^\*\* Database info for pid (\d+) \[([^\]]*)\] \*\*$/.exec(t);
    if (h) {
      flushPath();
      pid = Number(h[1]);
      proc = h[2];
      continue;
    }
    const c = /^Connection pool for (.+):$/.exec(t);
    if (c) {
      flushPath();
      path = c[1];
      pathHadOps = false;
      continue;
    }
    if (!path) continue;
    const o = DB_OP_RE.exec(t);
    if (o) {
      pathHadOps = true;
      out.push({ pid, process: proc, path: o[5] ?? path, action: o[3], sql: o[4], timestamp: deviceTime(o[1]), timestamp_is_device_local: true });
    }
  }
  flushPath();
  return out;
}
