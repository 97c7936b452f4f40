import { VigilError } from "../core/errors.js";
import { fromUnixSeconds } from "../core/time.js";
const UUID_RE = /^[0-9A-F]{8}-[0-9A-F]{4}-[0-9A-F]{4}-[0-9A-F]{4}-[0-9A-F]{12}$/i;
const CLIENT_RE = /remaining client pid:\s*(-?\d+)\s*\((.*)\)\s*$/;
const AFTER_RE = /^After\s+([\d.]+)\s*s\b/;
const SIGTERM_RE = /SIGTERM:\s*\[(\d+)\]/;
const SIGTERM_LOOSE_RE = /SIGTERM:.*?(\d{10})/;
function stripUuidComponent(path) {
  const slash = path.lastIndexOf("/");
  if (slash > 0) {
    const last = path.slice(slash + 1);
    if (UUID_RE.test(last)) return { path: path.slice(0, slash), uuid: last };
  }
  return { path };
}
class ShutdownLogParser {
  constructor(file, onReboot) {
    this.file = file;
    this.onReboot = onReboot;
  }
  file;
  onReboot;
  lineNo = 0;
  index = 0;
  clients = /* @__PURE__ */ new Map();
  notices = 0;
  lastDelay = -1;
  maxDelay = 0;
  currentDelay = 0;
  recognised = 0;
  nonEmpty = 0;
  lastBlockLine = 0;
  line(raw) {
    this.lineNo++;
    const text = raw.trim();
    if (!text) return;
    this.nonEmpty++;
    if (this.nonEmpty === 1 && text.includes("\0")) throw new VigilError("not a shutdown.log (binary content)", { file: this.file, code: "format" });
    const after = AFTER_RE.exec(text);
    if (after) {
      const delay = Number(after[1]);
      if (this.notices > 0 && delay < this.lastDelay) this.flush(void 0, false);
      this.notices++;
      this.recognised++;
      this.currentDelay = delay;
      this.lastDelay = delay;
      if (delay > this.maxDelay) this.maxDelay = delay;
      this.lastBlockLine = this.lineNo;
    }
    const client = CLIENT_RE.exec(text);
    if (client) {
      this.recognised++;
      const { path, uuid } = stripUuidComponent(client[2].trim());
      const pid = Number(client[1]);
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
      const m = SIGTERM_RE.exec(text) ?? SIGTERM_LOOSE_RE.exec(text);
      this.lastBlockLine = this.lineNo;
      this.flush(m ? fromUnixSeconds(Number(m[1])) : void 0, true);
    }
  }
  /** Ends the file. Returns the number of shutdowns. Throws when nothing in it looked like shutdown.log. */
  end() {
    if (this.clients.size > 0 || this.notices > 0) this.flush(void 0, false);
    if (this.nonEmpty > 0 && this.recognised === 0) {
      throw new VigilError('not a shutdown.log (no "remaining client", "After" or "SIGTERM" lines)', { file: this.file, code: "format" });
    }
    return this.index;
  }
  flush(isodate, complete) {
    this.index++;
    this.onReboot({
      index: this.index,
      isodate,
      notices: this.notices,
      max_delay: this.maxDelay,
      clients: [...this.clients.values()],
      line: this.lastBlockLine || this.lineNo,
      complete
    });
    this.clients = /* @__PURE__ */ new Map();
    this.notices = 0;
    this.lastDelay = -1;
    this.maxDelay = 0;
    this.currentDelay = 0;
  }
}
function parseShutdownLog(text, file = "shutdown.log") {
  const out = [];
  const p = new ShutdownLogParser(file, (r) => out.push(r));
  for (const l of text.split(/\r?\n/)) p.line(l);
  p.end();
  return out;
}
export {
  ShutdownLogParser,
  parseShutdownLog,
  stripUuidComponent
};
