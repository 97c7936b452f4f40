// DataUsage.sqlite (WirelessDomain) and netusage.sqlite (networkd) share one Core Data schema:
// ZPROCESS holds one row per process or app that used the network (first and last seen), and
// ZLIVEUSAGE holds byte counters that point to their process through ZHASPROCESS. Both modules
// are built here so their records, events, checks and heuristics stay identical.
import type { ArtifactSpec } from "../../../acquisitions/view.ts";
import type { DetectionInput, IndicatorMatch } from "../../../core/model.ts";
import type { ModuleContext, ModuleDef } from "../../contract.ts";
import { defineSqliteModule, type SqliteDb } from "../../lib/sqlite.ts";
import { dedupeMatches, fromMatches, heuristic, codeRule } from "../../../core/detection.ts";
import { fromMacAbsolute } from "../../../core/time.ts";
import { baseName } from "./plist-values.ts";
import { msg } from "../../../core/i18n/index.ts";

/** One ZLIVEUSAGE row with its process, or one ZPROCESS row that has no usage row. MVT's field names. */
export interface ProcessUsageRecord {
  first_isodate: string | null;
  isodate: string | null;
  proc_name: string | null;
  bundle_id: string | null;
  proc_id: number | null;
  wifi_in: number | null;
  wifi_out: number | null;
  wwan_in: number | null;
  wwan_out: number | null;
  live_id: number | null;
  live_proc_id: number | null;
  live_isodate: string | null;
  /** The usage row points to a ZPROCESS row that no longer exists. */
  process_record_missing?: boolean;
  /** Path of the database inside the acquisition (netusage can have two). */
  source: string;
}

/**
 * A hole of at most this many consecutive ZPROCESS ids is flagged: spyware that cleans up
 * deletes its own one or two process rows, while longer runs come from iOS removing an
 * uninstalled app with its extensions or pruning the table.
 */
export const MAX_HOLE_SIZE = 3;
/**
 * When a database has more holes than this, deletions are routine on this device and a single
 * hole says nothing: none is flagged and a coverage warning gives the count instead.
 */
export const MAX_HOLES = 10;

export const RULE_RECORD_DELETED = codeRule("process-record-deleted");
export const RULE_ID_GAP = codeRule("process-id-gap", { size: MAX_HOLE_SIZE, holes: MAX_HOLES });

// Records that carry their process's first/last-seen events: the first row of each process.
const carriesProcessEvents = new WeakSet<ProcessUsageRecord>();
// Per-run memory of what was already flagged, so a process with many usage rows is flagged once.
const flagged = new WeakMap<ModuleContext, Set<string>>();
function once(ctx: ModuleContext, key: string): boolean {
  let s = flagged.get(ctx);
  if (!s) flagged.set(ctx, (s = new Set()));
  if (s.has(key)) return false;
  s.add(key);
  return true;
}

const num = (v: unknown): number | null => (typeof v === "number" ? v : typeof v === "bigint" ? Number(v) : null);
const text = (v: unknown): string | null => (typeof v === "string" ? v : v === null || v === undefined ? null : String(v));

// Rows come as arrays (better-sqlite3 raw mode: no per-row key objects), in the order both
// queries select: first ts, last ts, proc name, bundle, proc pk, wifi in/out, wwan in/out,
// live pk, live's process pk, live ts.
type Row = unknown[];

function toRecord(r: Row, source: string): ProcessUsageRecord {
  const first = fromMacAbsolute(num(r[0])) ?? null;
  const live = fromMacAbsolute(num(r[11])) ?? null;
  const procId = num(r[4]);
  const liveProc = num(r[10]);
  const rec: ProcessUsageRecord = {
    first_isodate: first,
    isodate: fromMacAbsolute(num(r[1])) ?? null,
    proc_name: text(r[2]),
    bundle_id: text(r[3]),
    proc_id: procId,
    wifi_in: num(r[5]),
    wifi_out: num(r[6]),
    wwan_in: num(r[7]),
    wwan_out: num(r[8]),
    live_id: num(r[9]),
    live_proc_id: liveProc,
    live_isodate: live ?? first,
    source,
  };
  if (procId === null && liveProc !== null && liveProc !== 0) rec.process_record_missing = true;
  return rec;
}

function* readDatabase(db: SqliteDb, ctx: ModuleContext, label: string): Generator<ProcessUsageRecord> {
  // Recent iOS versions dropped the Wi-Fi counters from ZLIVEUSAGE.
  const wifiIn = db.optional("ZLIVEUSAGE", "ZWIFIIN", "l");
  const wifiOut = db.optional("ZLIVEUSAGE", "ZWIFIOUT", "l");
  const bundle = db.optional("ZPROCESS", "ZBUNDLENAME", "p");
  const joined = db.raw.prepare(
    `SELECT p.ZFIRSTTIMESTAMP, p.ZTIMESTAMP, p.ZPROCNAME, ${bundle} AS ZBUNDLENAME, p.Z_PK AS PROC_PK,
            ${wifiIn} AS ZWIFIIN, ${wifiOut} AS ZWIFIOUT, l.ZWWANIN, l.ZWWANOUT,
            l.Z_PK AS LIVE_PK, l.ZHASPROCESS, l.ZTIMESTAMP AS LIVE_TS
       FROM ZLIVEUSAGE l LEFT JOIN ZPROCESS p ON l.ZHASPROCESS = p.Z_PK
      ORDER BY l.Z_PK`,
  ).raw(true);
  // Processes with no usage row: every ZPROCESS row whose Z_PK the usage rows never named. Read
  // and filtered here: a NOT EXISTS subquery rescans ZLIVEUSAGE (no index on ZHASPROCESS) for
  // each process, which took most of the module's time on 4k processes.
  const processes = db.raw.prepare(
    `SELECT p.ZFIRSTTIMESTAMP, p.ZTIMESTAMP, p.ZPROCNAME, ${bundle} AS ZBUNDLENAME, p.Z_PK AS PROC_PK,
            NULL AS ZWIFIIN, NULL AS ZWIFIOUT, NULL AS ZWWANIN, NULL AS ZWWANOUT,
            NULL AS LIVE_PK, NULL AS ZHASPROCESS, NULL AS LIVE_TS
       FROM ZPROCESS p
      ORDER BY p.Z_PK`,
  ).raw(true);
  const seen = new Set<number>();
  for (const row of joined.iterate() as Iterable<Row>) {
    const rec = toRecord(row, db.path);
    if (rec.proc_id !== null && !seen.has(rec.proc_id)) {
      seen.add(rec.proc_id);
      carriesProcessEvents.add(rec);
    }
    yield rec;
  }
  for (const row of processes.iterate() as Iterable<Row>) {
    const pk = num(row[4]);
    if (pk !== null && seen.has(pk)) continue;
    const rec = toRecord(row, db.path);
    carriesProcessEvents.add(rec);
    yield rec;
  }
  findIdGaps(db, ctx, label);
}

/** The process-id-gap heuristic over one database (thresholds documented above). */
function findIdGaps(db: SqliteDb, ctx: ModuleContext, label: string): void {
  interface P { id: number; name: string | null; first: string | null }
  const holes: { prev: P; next: P; missing: number[] }[] = [];
  let total = 0;
  let prev: P | undefined;
  const stmt = db.raw.prepare("SELECT Z_PK, ZPROCNAME, ZFIRSTTIMESTAMP FROM ZPROCESS ORDER BY Z_PK");
  for (const r of stmt.iterate() as Iterable<{ Z_PK: unknown; ZPROCNAME: unknown; ZFIRSTTIMESTAMP: unknown }>) {
    const id = num(r.Z_PK);
    if (id === null) continue;
    const cur: P = { id, name: text(r.ZPROCNAME), first: fromMacAbsolute(num(r.ZFIRSTTIMESTAMP)) ?? null };
    if (prev && id - prev.id > 1) {
      total++;
      const size = id - prev.id - 1;
      if (size <= MAX_HOLE_SIZE && holes.length <= MAX_HOLES) {
        holes.push({ prev, next: cur, missing: Array.from({ length: size }, (_, i) => prev!.id + 1 + i) });
      }
    }
    prev = cur;
  }
  if (total > MAX_HOLES) {
    ctx.warn(`${db.path}: ${total} gaps in process record ids; deletions are routine in this database, so gaps were not flagged (at most ${MAX_HOLES})`);
    return;
  }
  for (const hole of holes) {
    const ids = hole.missing.join(", ");
    const plural = hole.missing.length > 1;
    ctx.detect(
      heuristic({
        rule: RULE_ID_GAP.id,
        ruleDescription: RULE_ID_GAP.description,
        grade: "weak",
        title: msg("det.process_usage.id_gap", { n: hole.missing.length, source: label, ids, after: hole.prev.name ?? "?" }),
        why: msg("det.process_usage.id_gap.why", { n: hole.missing.length, ids }),
        matched: `ZPROCESS.Z_PK ${ids}`,
        timestamp: hole.prev.first ?? undefined,
        artifact: db.path,
        record: {
          missing_proc_ids: hole.missing,
          previous: { proc_id: hole.prev.id, proc_name: hole.prev.name, first_isodate: hole.prev.first },
          next: { proc_id: hole.next.id, proc_name: hole.next.name, first_isodate: hole.next.first },
        },
      }),
    );
  }
}

const UUID = /^[0-9A-F]{8}-[0-9A-F]{4}-[0-9A-F]{4}-[0-9A-F]{4}-[0-9A-F]{12}$/i;

/**
 * ZPROCNAME is "name", "<process>/<bundle id>" (a daemon working for an app:
 * "mDNSResponder/com.apple.AppStore") or "<UUID>/<bundle id>". The process part is cut at 16
 * characters by iOS ("IMRemoteURLConne"), so it is matched as maybe truncated.
 */
function processNameMatches(name: string, ctx: ModuleContext): IndicatorMatch[] {
  const slash = name.indexOf("/");
  if (slash < 0) return ctx.iocs.process(name, { maybeTruncated: true });
  const head = name.slice(0, slash);
  const tail = baseName(name);
  const out = UUID.test(head) ? [] : ctx.iocs.process(head, { maybeTruncated: true });
  if (tail && tail !== head) out.push(...ctx.iocs.process(tail), ...ctx.iocs.appId(tail));
  return out;
}


export function processUsageModule(opts: {
  name: string;
  title: string;
  /** How detections name the artifact: "DataUsage.sqlite". */
  label: string;
  description: string;
  reads: ArtifactSpec;
}): ModuleDef<ProcessUsageRecord> {
  const { label } = opts;
  return defineSqliteModule<ProcessUsageRecord>({
    name: opts.name,
    title: opts.title,
    platform: "ios",
    description: opts.description,
    reads: opts.reads,
    requires: {
      ZPROCESS: ["Z_PK", "ZPROCNAME", "ZFIRSTTIMESTAMP", "ZTIMESTAMP"],
      ZLIVEUSAGE: ["Z_PK", "ZHASPROCESS", "ZTIMESTAMP", "ZWWANIN", "ZWWANOUT"],
    },
    rows: (db, ctx) => readDatabase(db, ctx, label),
    events(r) {
      const who = `${r.proc_name ?? "(deleted process record)"} (bundle id: ${r.bundle_id ?? "none"}, id: ${r.proc_id ?? r.live_proc_id ?? "?"})`;
      const out = [];
      if (r.live_id !== null && r.live_isodate) {
        out.push({
          timestamp: r.live_isodate,
          event: "live_usage",
          description: `${who} used the network: WWAN in ${r.wwan_in ?? 0} B, out ${r.wwan_out ?? 0} B${r.wifi_in !== null ? `, Wi-Fi in ${r.wifi_in} B, out ${r.wifi_out ?? 0} B` : ""}`,
        });
      }
      if (carriesProcessEvents.has(r)) {
        if (r.first_isodate) out.push({ timestamp: r.first_isodate, event: "first_usage", description: `${who} first used the network` });
        if (r.isodate) out.push({ timestamp: r.isodate, event: "current_usage", description: `${who} last used the network` });
      }
      return out;
    },
    check(r, ctx) {
      const out: DetectionInput[] = [];
      if (r.process_record_missing && once(ctx, `missing\0${r.source}\0${r.live_proc_id}`)) {
        out.push(
          heuristic({
            rule: RULE_RECORD_DELETED.id,
            ruleDescription: RULE_RECORD_DELETED.description,
            grade: "weak",
            title: msg("det.process_usage.record_deleted", { source: label, id: r.live_proc_id ?? "" }),
            why: msg("det.process_usage.record_deleted.why"),
            matched: `ZLIVEUSAGE.ZHASPROCESS ${r.live_proc_id}`,
            timestamp: r.live_isodate ?? undefined,
            artifact: r.source,
          }),
        );
      }
      if (r.proc_id === null || !once(ctx, `ioc\0${r.source}\0${r.proc_id}`)) return out;
      const matches: IndicatorMatch[] = [];
      if (r.proc_name) matches.push(...processNameMatches(r.proc_name, ctx));
      if (r.bundle_id) matches.push(...ctx.iocs.process(r.bundle_id), ...ctx.iocs.appId(r.bundle_id));
      if (matches.length) {
        out.push(
          ...fromMatches(dedupeMatches(matches), {
            grade: "strong",
            title: (m) => msg(m.truncated ? "det.network_usage.process_truncated" : "det.network_usage.process", { value: m.matched, source: label, set: m.indicator.set.name }),
            why: msg("det.process_usage.why", { source: label }),
            timestamp: r.first_isodate ?? r.live_isodate ?? undefined,
            artifact: r.source,
          }),
        );
      }
      return out;
    },
  });
}
