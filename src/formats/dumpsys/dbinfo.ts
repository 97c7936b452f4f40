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

const DB_OP_HEAD = /^\d+: \[(\d{4}-\d\d-\d\d \d\d:\d\d:\d\d(?:\.\d+)?)\]\s*(?:\[Pid:\((\d+)\)\]\s*)?(\w+) took /;

/**
 * What follows "took ": the first `sql="..."` (to the first quote that ends the line or comes
 * just before its `, path=...`) and the trailing `, path=...`, found with a few searches. A
 * regular expression saying the same (`.*?(?:sql="(.*?)")?(?:, path=(\S+))?$`) scanned the
 * rest of the line again at every `sql="` of a damaged line: quadratic, a minute for 600 KB.
 */
function opTail(rest: string): { sql?: string; path?: string } {
  // Only the last ", path=" can run to the end without a space (the text itself holds one).
  const j = rest.lastIndexOf(", path=");
  const pathAt = j >= 0 && /^\S+$/.test(rest.slice(j + 7)) ? j : -1;
  const p = rest.indexOf('sql="');
  if (p >= 0) {
    // The closing quote: the earliest of the one before ", path=" and the line's last character.
    const closes = [pathAt > 0 && rest[pathAt - 1] === '"' ? pathAt - 1 : -1, rest.endsWith('"') ? rest.length - 1 : -1].filter((q) => q >= p + 5);
    if (closes.length && (pathAt < 0 || p < pathAt)) {
      const q = Math.min(...closes);
      return { sql: rest.slice(p + 5, q), path: q === pathAt - 1 ? rest.slice(pathAt + 7) : undefined };
    }
  }
  return pathAt >= 0 ? { path: rest.slice(pathAt + 7) } : {};
}

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
    const o = DB_OP_HEAD.exec(t);
    if (o) {
      pathHadOps = true;
      const tail = opTail(t.slice(o[0].length));
      out.push({ pid, process: proc, path: tail.path ?? path, action: o[3], sql: tail.sql, timestamp: deviceTime(o[1]), timestamp_is_device_local: true });
    }
  }
  flushPath();
  return out;
}
