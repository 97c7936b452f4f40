// shutdown.log: written by logd while the device powers off. Each shutdown is a run of
// "After N.NNs, these clients are still here:" notices, each followed by one
// "remaining client pid: P (/path/to/binary)" line per process still alive, and closed by
// "SIGTERM: [unix seconds] ...". iOS 26 appends the binary's UUID as a last path component
// ("(/usr/libexec/nfcd/EBFB3E7F-...)"); older versions print the bare path. Some versions put
// the delay and the client on one line ("After 0.1s, remaining client pid: 155 (/usr/libexec/nfcd)").
import { VigilError } from "../core/errors.ts";
import { fromUnixSeconds } from "../core/time.ts";

export interface ShutdownClient {
  pid: number;
  /** Path of the process binary, with the iOS 26 trailing UUID component removed. */
  client: string;
  /** The UUID component iOS 26 appends, when present. */
  uuid?: string;
  /** Seconds into the shutdown of the last notice that listed this client. */
  delay: number;
  /** Number of "still here" notices that listed this client. */
  times_delayed: number;
}

export interface ShutdownReboot {
  /** 1-based order of this shutdown in the file. */
  index: number;
  /** UTC ISO time of the SIGTERM line; undefined for a last block without one (truncated log). */
  isodate?: string;
  /** Number of "still here" notices before the SIGTERM. */
  notices: number;
  /** Largest "After N s" value seen in this shutdown. */
  max_delay: number;
  clients: ShutdownClient[];
  /** 1-based line of the SIGTERM (or of the block's last line when it has none). */
  line: number;
  /** The block was closed by a SIGTERM line. */
  complete: boolean;
}

const UUID_RE = /^[0-9A-F]{8}-[0-9A-F]{4}-[0-9A-F]{4}-[0-9A-F]{4}-[0-9A-F]{12}$/i;
const CLIENT_MARK = "remaining client pid:";
const CLIENT_HEAD_RE = /\s*(-?\d+)\s*\(/y;
const AFTER_RE = /^After\s+([\d.]+)\s*s\b/;
const SIGTERM_RE = /SIGTERM:\s*\[(\d+)\]/;
const TEN_DIGITS_RE = /\d{10}/g;

// The two lookups below are searches a regular expression would backtrack through once per
// occurrence of their marker: quadratic on a long damaged line that repeats it.

/** "remaining client pid: P (PATH)" ending a trimmed line: the first such marker, PATH up to the last ")". */
function clientOf(text: string): { pid: number; path: string } | undefined {
  if (!text.endsWith(")")) return undefined;
  for (let at = text.indexOf(CLIENT_MARK); at >= 0; at = text.indexOf(CLIENT_MARK, at + CLIENT_MARK.length)) {
    CLIENT_HEAD_RE.lastIndex = at + CLIENT_MARK.length;
    const head = CLIENT_HEAD_RE.exec(text);
    if (head) return { pid: Number(head[1]), path: text.slice(CLIENT_HEAD_RE.lastIndex, -1) };
  }
  return undefined;
}

/** The Unix time of a SIGTERM line: "[N]" after the marker, else the first ten-digit number after it. */
function sigtermSeconds(text: string): number | undefined {
  const m = SIGTERM_RE.exec(text);
  if (m) return Number(m[1]);
  const at = text.indexOf("SIGTERM:");
  if (at < 0) return undefined;
  TEN_DIGITS_RE.lastIndex = at + 8;
  const d = TEN_DIGITS_RE.exec(text);
  return d ? Number(d[0]) : undefined;
}

/** Splits "/usr/libexec/nfcd/EBFB3E7F-4CA4-3656-8E9C-8CCF5995C34A" into path and UUID. */
export function stripUuidComponent(path: string): { path: string; uuid?: string } {
  const slash = path.lastIndexOf("/");
  if (slash > 0) {
    const last = path.slice(slash + 1);
    if (UUID_RE.test(last)) return { path: path.slice(0, slash), uuid: last };
  }
  return { path };
}

/**
 * Push-based parser so a large log is read line by line. Call `line()` for each line and
 * `end()` once; completed shutdowns are handed to `onReboot` in file order.
 */
export class ShutdownLogParser {
  private lineNo = 0;
  private index = 0;
  private clients = new Map<string, ShutdownClient>();
  private notices = 0;
  private lastDelay = -1;
  private maxDelay = 0;
  private currentDelay = 0;
  private recognised = 0;
  private nonEmpty = 0;
  private lastBlockLine = 0;

  constructor(
    private readonly file: string,
    private readonly onReboot: (r: ShutdownReboot) => void,
  ) {}

  line(raw: string): void {
    this.lineNo++;
    const text = raw.trim();
    if (!text) return;
    this.nonEmpty++;
    if (this.nonEmpty === 1 && text.includes("\0")) throw new VigilError("not a shutdown.log (binary content)", { file: this.file, code: "format" });
    const after = AFTER_RE.exec(text);
    if (after) {
      const delay = Number(after[1]);
      // A delay lower than the previous one means a new shutdown began without a SIGTERM
      // line between them (the log was cut while the device was going down).
      if (this.notices > 0 && delay < this.lastDelay) this.flush(undefined, false);
      this.notices++;
      this.recognised++;
      this.currentDelay = delay;
      this.lastDelay = delay;
      if (delay > this.maxDelay) this.maxDelay = delay;
      this.lastBlockLine = this.lineNo;
    }
    const client = clientOf(text);
    if (client) {
      this.recognised++;
      const { path, uuid } = stripUuidComponent(client.path.trim());
      const pid = client.pid;
      const key = `${pid}\0${path}`;
      const known = this.clients.get(key);
      if (known) {
        known.delay = this.currentDelay;
        known.times_delayed++;
      } else {
        this.clients.set(key, { pid, client: path, uuid, delay: this.currentDelay, times_delayed: 1 });
      }
      this.lastBlockLine = this.lineNo;
      return;
    }
    if (text.startsWith("SIGTERM")) {
      this.recognised++;
      const seconds = sigtermSeconds(text);
      this.lastBlockLine = this.lineNo;
      this.flush(seconds !== undefined ? fromUnixSeconds(seconds) : undefined, true);
    }
  }

  /** Ends the file. Returns the number of shutdowns. Throws when nothing in it looked like shutdown.log. */
  end(): number {
    if (this.clients.size > 0 || this.notices > 0) this.flush(undefined, false);
    if (this.nonEmpty > 0 && this.recognised === 0) {
      throw new VigilError("not a shutdown.log (no \"remaining client\", \"After\" or \"SIGTERM\" lines)", { file: this.file, code: "format" });
    }
    return this.index;
  }

  private flush(isodate: string | undefined, complete: boolean): void {
    this.index++;
    this.onReboot({
      index: this.index,
      isodate,
      notices: this.notices,
      max_delay: this.maxDelay,
      clients: [...this.clients.values()],
      line: this.lastBlockLine || this.lineNo,
      complete,
    });
    this.clients = new Map();
    this.notices = 0;
    this.lastDelay = -1;
    this.maxDelay = 0;
    this.currentDelay = 0;
  }
}

/** Parses a whole shutdown.log held in memory. */
export function parseShutdownLog(text: string, file = "shutdown.log"): ShutdownReboot[] {
  const out: ShutdownReboot[] = [];
  const p = new ShutdownLogParser(file, (r) => out.push(r));
  for (const l of text.split(/\r?\n/)) p.line(l);
  p.end();
  return out;
}
