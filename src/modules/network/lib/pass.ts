// The one pass over a network acquisition that every network module shares. The first module to
// ask reads every capture and log once, sorting the records by kind into spill files (spill.ts,
// in the private temp folder); each module then streams its own kind back. A 1 GB capture is thus
// read once, not once per module, and memory stays bounded by the flow table, not the capture.
//
// While the records go by, the pass remembers which addresses each DNS answer gave (so that a
// later connection to an address can be tied to the name it was looked up as) and counts what
// the traffic hid (see hidden.ts): the modules turn those counts into coverage entries.
import { join } from "node:path";
import type { Readable } from "node:stream";
import { createGunzip } from "node:zlib";
import { VigilError, describeError } from "../../../core/errors.ts";
import { batched, type ModuleContext, type RecordBatches } from "../../contract.ts";
import { OutputError } from "../../../core/output-file.ts";
import { privateTempDir } from "../../../core/tempdir.ts";
import type { AcquisitionView, FileEntry } from "../../../acquisitions/view.ts";
import { MAX_LINE, readLines } from "../../../formats/lines.ts";
import { readAppPrivacyReport } from "../../../formats/network/app-privacy-report.ts";
import { readCapture } from "../../../formats/network/capture.ts";
import { readPcapdroidCsv } from "../../../formats/network/pcapdroid.ts";
import type { FlowRecord, NetKind, NetRecord } from "../../../formats/network/records.ts";
import { readEve } from "../../../formats/network/suricata.ts";
import { TRAFFIC_LIMITS, TrafficReader } from "../../../formats/network/traffic.ts";
import { EVERY_SOURCE, sourceKind } from "../../../formats/network/sources.ts";
import { readZeek, zeekLogOf } from "../../../formats/network/zeek.ts";

export { APP_PRIVACY_REPORT, CAPTURES, EVE, PCAPDROID, zeekLogs } from "../../../formats/network/sources.ts";
import { coverTraffic } from "./coverage.ts";
import { isEncryptedDns, isTunnel } from "./hidden.ts";
import { readSpill, Spill } from "./spill.ts";

/** A share of the traffic: connections (and bytes, where the source counts them). */
export interface Share {
  n: number;
  of: number;
  bytes?: number;
  ofBytes?: number;
}

/** What the traffic could not show, counted over the whole acquisition. */
export interface HiddenCounts {
  /** TLS and QUIC connections whose server certificate crossed encrypted (TLS 1.3, QUIC). */
  certificates: Share;
  /** TLS and QUIC connections whose real server name an Encrypted Client Hello hid. */
  ech: Share;
  /** Connections that carried DNS encrypted (DoH/DoT to public resolvers). */
  encryptedDns: Share;
  /** Connections into VPN tunnels or iCloud Private Relay. */
  tunnels: Share;
  /** First and last time seen, in ms, over every record. */
  first?: number;
  last?: number;
}

export interface PassResult {
  counts: Partial<Record<NetKind, number>>;
  hidden: HiddenCounts;
  /** Per file: why it could not be read at all. */
  fileErrors: Map<string, string>;
  /** Per file: damage stepped over, and other notes on what could not be read inside it. */
  fileWarnings: Map<string, string[]>;
  /** Per kind: the spill file. */
  spill: Map<NetKind, string>;
}

const passes = new WeakMap<AcquisitionView, Promise<PassResult>>();

/** The shared pass over the view (run once, by the first module that asks). */
export function networkPass(ctx: ModuleContext): Promise<PassResult> {
  let p = passes.get(ctx.view);
  if (!p) {
    p = runPass(ctx.view, ctx);
    passes.set(ctx.view, p);
  }
  return p;
}

/** One kind of record from the pass, for a module's records(). */
export function passRecords<T>(ctx: ModuleContext, kind: NetKind, each?: (r: T) => void): RecordBatches<T> {
  return batched(
    (async function* () {
      const pass = await networkPass(ctx);
      const mine = ctx.files.filter((f) => sourceKind(f.path));
      const failed = mine.filter((f) => pass.fileErrors.has(f.path));
      if (mine.length > 0 && failed.length === mine.length) throw new VigilError(pass.fileErrors.get(failed[0]!.path)!, { file: failed[0]!.path });
      for (const f of failed) ctx.warn(`${f.path}: ${pass.fileErrors.get(f.path)}`);
      for (const f of mine) for (const w of pass.fileWarnings.get(f.path) ?? []) ctx.warn(w);
      const path = pass.spill.get(kind);
      if (path) yield* readSpill<T>(path, each);
      coverTraffic(ctx, pass);
    })(),
  );
}

/** Addresses remembered with the names they were given (the oldest forgotten first). */
const MAX_RESOLVED_IPS = 65_536;

async function runPass(view: AcquisitionView, ctx: ModuleContext): Promise<PassResult> {
  const files = (await view.find({ network: EVERY_SOURCE })).filter((f) => sourceKind(f.path));
  // DNS answers first, so that the connections of every later file can be tied to names; then
  // in name order (rotated captures and logs sort by time).
  const order = (f: FileEntry) => (sourceKind(f.path) === "zeek" && /(^|\/)dns[.-]/.test(f.path) ? 0 : /(^|\/)eve/.test(f.path) ? 1 : 2);
  files.sort((a, b) => order(a) - order(b) || (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
  const dir = privateTempDir("network");
  const spills = new Map<NetKind, Spill>();
  const counts: Partial<Record<NetKind, number>> = {};
  const zero = (): Share => ({ n: 0, of: 0, bytes: 0, ofBytes: 0 });
  const hidden: HiddenCounts = { certificates: zero(), ech: zero(), encryptedDns: zero(), tunnels: zero() };
  const fileErrors = new Map<string, string>();
  const fileWarnings = new Map<string, string[]>();
  // Address -> the answers that gave it (the names of each, the time in ms), in time order.
  const resolved = new Map<string, Answer[]>();

  // Every record's times are ISO-8601 UTC with milliseconds, which sort as strings.
  let first: string | undefined;
  let last: string | undefined;
  const seen = (iso: string | undefined) => {
    if (!iso) return;
    if (first === undefined || iso < first) first = iso;
    if (last === undefined || iso > last) last = iso;
  };
  const share = (s: Share, hit: boolean, bytes?: number) => {
    s.of++;
    if (bytes !== undefined) s.ofBytes! += bytes;
    if (hit) {
      s.n++;
      if (bytes !== undefined) s.bytes! += bytes;
    }
  };

  const sink = (rec: NetRecord) => {
    seen(rec.r.timestamp);
    switch (rec.kind) {
      case "dns": {
        const r = rec.r;
        const at = Date.parse(r.timestamp);
        const answer: Answer = { names: [r.query, ...r.cnames], at };
        for (const ip of r.answer_ips) {
          let list = resolved.get(ip);
          if (!list) {
            if (resolved.size >= MAX_RESOLVED_IPS) resolved.delete(resolved.keys().next().value!);
            resolved.set(ip, (list = []));
          }
          rememberAnswer(list, answer);
        }
        break;
      }
      case "tls":
        // From a capture, a certificate not seen was not checked (TLS 1.3, a resumed session, or
        // a handshake the capture missed); logs say the version only.
        share(hidden.certificates, /^TLS ?v?1\.?3$/i.test(rec.r.version ?? "") || (rec.r.source === "capture" && !rec.r.cert_sha1));
        share(hidden.ech, !!rec.r.ech);
        break;
      case "quic":
        share(hidden.certificates, true);
        share(hidden.ech, !!rec.r.ech);
        break;
      case "flow": {
        const r = rec.r;
        seen(r.last_timestamp);
        if (addResolvedNames(r, resolved)) namesCut++;
        share(hidden.encryptedDns, isEncryptedDns(r), r.bytes);
        share(hidden.tunnels, isTunnel(r), r.bytes);
        break;
      }
    }
    let s = spills.get(rec.kind);
    if (!s) spills.set(rec.kind, (s = new Spill(join(dir, `${rec.kind}.ndjson`))));
    s.write(rec.r);
    counts[rec.kind] = (counts[rec.kind] ?? 0) + 1;
  };

  let i = 0;
  // Flows of the file being read whose address's DNS answer had more names than a flow keeps.
  let namesCut = 0;
  for (const f of files) {
    i++;
    namesCut = 0;
    const warnings: string[] = [];
    const problem = (m: string) => {
      if (warnings.length < 20) warnings.push(m);
    };
    try {
      await readSource(view, f, sink, problem);
    } catch (e) {
      // A spill file that cannot be written is not the capture's fault: it stops the check.
      if (e instanceof OutputError) throw e;
      fileErrors.set(f.path, e instanceof VigilError ? e.message : describeError(e));
    }
    if (namesCut) problem(`${f.path}: ${namesCut} connections went to an address that a DNS answer gave under more than ${MAX_RESOLVED_NAMES} names (a query and its CNAMEs); only the first and last ${MAX_RESOLVED_NAMES / 2} were tied to each connection (the DNS records keep them all)`);
    if (warnings.length) fileWarnings.set(f.path, warnings);
    ctx.progress(i, files.length);
  }
  for (const s of spills.values()) s.close();
  if (first && last) {
    hidden.first = Date.parse(first);
    hidden.last = Date.parse(last);
  }
  return { counts, hidden, fileErrors, fileWarnings, spill: new Map([...spills].map(([k, s]) => [k, s.path])) };
}

/** One DNS answer that gave an address: the name looked up and its CNAME chain, and when. */
interface Answer {
  names: string[];
  at: number;
}

/**
 * Changes of name kept per address. Flows reach the pass when they end (a capture's at its end),
 * after every answer, so an address keeps its history: each time it was given under other names
 * than just before. Repeated answers with the same names add nothing; the oldest change goes first.
 */
const ANSWERS_PER_IP = 32;

const sameNames = (a: Answer, b: Answer): boolean => a.names.length === b.names.length && a.names.every((n, i) => n === b.names[i]);

/** Adds an answer to an address's history, kept in time order (logs and captures may interleave). */
function rememberAnswer(list: Answer[], a: Answer): void {
  let i = list.length;
  while (i > 0 && list[i - 1]!.at > a.at) i--;
  if (i > 0 && sameNames(list[i - 1]!, a)) return;
  // The next change, if it gave the same names, now starts earlier: this answer replaces it.
  if (i < list.length && sameNames(list[i]!, a)) list[i] = a;
  else list.splice(i, 0, a);
  if (list.length > ANSWERS_PER_IP) list.splice(0, list.length - ANSWERS_PER_IP);
}

/**
 * Names of one DNS answer given to a flow, at most: the first half (the name looked up and the
 * CNAMEs it led to) and the last (the canonical name that holds the address). Resolvers follow
 * a few CNAMEs; an answer can list thousands (compressed to a few bytes each), and every later
 * flow to its address, a few dozen bytes of capture each, carried them all into its record.
 */
const MAX_RESOLVED_NAMES = 16;

/**
 * The names of the last DNS answer that gave the flow's destination before the flow started: an
 * address shared by several names (a CDN, a reused server) is the name the phone had just looked
 * up, not every name it ever had. True when the answer had more names than the flow keeps.
 */
function addResolvedNames(r: FlowRecord, resolved: Map<string, Answer[]>): boolean {
  const list = resolved.get(r.dst_ip);
  if (!list) return false;
  const start = Date.parse(r.timestamp);
  let last: Answer | undefined;
  for (const a of list) if (a.at <= start) last = a;
  if (!last) return false;
  const n = last.names;
  if (n.length <= MAX_RESOLVED_NAMES) {
    r.resolved_names = [...n];
    return false;
  }
  r.resolved_names = [...n.slice(0, MAX_RESOLVED_NAMES / 2), ...n.slice(-MAX_RESOLVED_NAMES / 2)];
  return true;
}

/**
 * A capture's bytes: read in place into one reused buffer when the view has the file on disk (a
 * 64 KB buffer per chunk from a stream, over a gigabyte, made the garbage collector run dozens of
 * full collections; and that read also hashes the file, which is not read a second time for
 * it), else the view's stream. The capture reader copies each chunk before asking for the next.
 */
async function captureBytes(view: AcquisitionView, f: FileEntry): Promise<AsyncIterable<Buffer> & { destroy?: () => void }> {
  return (await view.readInPlace?.(f)) ?? view.openStream(f);
}

async function open(view: AcquisitionView, f: FileEntry): Promise<Readable> {
  const s = await view.openStream(f);
  if (!/\.gz$/i.test(f.path)) return s;
  const g = createGunzip();
  s.on("error", (e) => g.destroy(e));
  return s.pipe(g);
}

async function readSource(view: AcquisitionView, f: FileEntry, sink: (r: NetRecord) => void, problem: (m: string) => void): Promise<void> {
  const kind = sourceKind(f.path)!;
  if (kind === "capture") {
    const bytes = await captureBytes(view, f);
    try {
      return await readCaptureFile(bytes, f, sink, problem);
    } finally {
      bytes.destroy?.();
    }
  }
  const stream = await open(view, f);
  // A line longer than readLines keeps is read cut: said, since a cut TSV line still parses.
  const lines = readLines(stream, { onLong: (n, length) => problem(`${f.path}: line ${n} is ${length.toLocaleString("en")} characters long; only its first ${MAX_LINE.toLocaleString("en")} were read`) });
  try {
    switch (kind) {
      case "zeek":
        await readZeek(lines, zeekLogOf(f.path)!, f.path, sink, problem);
        return;
      case "eve":
        await readEve(lines, f.path, sink, problem);
        return;
      case "pcapdroid":
        await readPcapdroidCsv(lines, f.path, sink, problem);
        return;
      case "apr":
        await readAppPrivacyReport(lines, f.path, sink, problem);
        return;
    }
  } finally {
    stream.destroy();
  }
}

async function readCaptureFile(bytes: AsyncIterable<Buffer>, f: FileEntry, sink: (r: NetRecord) => void, problem: (m: string) => void): Promise<void> {
  const reader = new TrafficReader(sink, f.path);
  const stats = await readCapture(bytes, reader.frame, f.path);
  reader.finish();
  for (const p of stats.problems) problem(`${f.path}: ${p}`);
  if (stats.damaged > stats.problems.length) problem(`${f.path}: ${stats.damaged - stats.problems.length} more damaged places skipped`);
  const link = reader.linkStats;
  const t = reader.stats;
  if (stats.packets === 0) problem(`${f.path}: the capture holds no packet`);
  if (stats.cut) problem(`${f.path}: ${stats.cut} of ${stats.packets} packets were cut short by the capture's snapshot length${t.cutHandshakes ? `, ${t.cutHandshakes} TLS handshakes among them (their server names could not be read)` : ""}`);
  if (link.encrypted80211) problem(`${f.path}: ${link.encrypted80211} Wi-Fi frames are encrypted (WPA): capture on the access point or hotspot instead, where the traffic is in the clear`);
  for (const [lt, n] of link.unknownLinks) problem(`${f.path}: ${n} packets have a link type Vigil does not read (${lt})`);
  if (link.fragmentsDropped) problem(`${f.path}: ${link.fragmentsDropped} IP fragments could not be put back together`);
  if (t.flowsEvicted) problem(`${f.path}: ${t.flowsEvicted} flows were written out early to bound memory (more than ${TRAFFIC_LIMITS.maxFlows.toLocaleString("en")} open at once); a later packet of one starts a new flow record`);
  if (t.cappedStreams) problem(`${f.path}: ${t.cappedStreams} handshakes or request heads were longer than the bytes kept per flow and were read only in part`);
  if (t.dnsMalformed) problem(`${f.path}: ${t.dnsMalformed} DNS messages could not be decoded`);
}
