// Plain indicator lists (one value a line, named by kind), CSV tables whose header says the
// kind of each column, hosts files and TinyCheck's JSON export.
import { isIP } from "node:net";
import type { IndicatorKind } from "../core/model.ts";
import { own } from "../core/own.ts";
import { hashKind, normalizeIndicator, refang } from "./normalize.ts";
import { makeSet, type FileMeta } from "./set.ts";
import type { Indicator, LoadedSet, LoadProblem } from "./types.ts";

/** What a list file holds, from its name. "ip" and "hash" are resolved per value. */
export type ListKind = IndicatorKind | "ip" | "hash";

const LIST_NAMES: [RegExp, ListKind][] = [
  [/^(?:v\d+_|[\w-]+_)?domains?\.txt$/, "domain"],
  [/^(?:ips?|ip[-_]addresses|ipv4s?|ipv6s?|[\w-]+_ips)\.txt$/, "ip"],
  [/^(?:emails?|email[-_]addresses)\.txt$/, "email"],
  [/^urls?\.txt$/, "url"],
  [/^process(?:es|_names)?\.txt$/, "process"],
  [/^(?:files|file_names)\.txt$/, "file_name"],
  [/^file_paths\.txt$/, "file_path"],
  [/^(?:sha256|sha1|md5|hashes|samples)\.txt$/, "hash"],
  [/^(?:package_names|packages|app_ids)\.txt$/, "app_id"],
  [/^(?:package_cert_hashes|cert_hashes|certificates)\.txt$/, "app_cert_hash"],
  [/^android_properties\.txt$/, "android_property"],
  [/^(?:config_profiles|configuration_profiles)\.txt$/, "configuration_profile"],
  [/^(?:ip_ranges|cidrs?|networks)\.txt$/, "ip"],
  [/^ja3(?:_fingerprints|_hashes)?\.txt$/, "ja3"],
  [/^ja4(?:_fingerprints)?\.txt$/, "ja4"],
  [/^(?:tls_cert_hashes|tls_certificates|ssl_certificates|x509(?:_certificates|_hashes)?)\.txt$/, "tls_cert_hash"],
];

export function listKindOf(fileName: string): ListKind | null {
  const n = fileName.toLowerCase();
  for (const [re, kind] of LIST_NAMES) if (re.test(n)) return kind;
  return null;
}

const IPV4ISH = /^\/?\d{1,3}(?:\.\d{1,3}){3}(?::\d+|\/\d{1,2})?$/;

/**
 * The kind of one value in a list of `kind`: IP lists hold both families, hash lists all three
 * lengths, and domain lists sometimes hold an IP address.
 */
export function resolveKind(kind: ListKind, value: string): IndicatorKind | null {
  switch (kind) {
    case "ip":
      return IPV4ISH.test(value) ? "ipv4" : value.includes(":") ? "ipv6" : null;
    case "hash":
      return hashKind(value.toLowerCase());
    case "domain":
      if (IPV4ISH.test(value)) return "ipv4";
      if (value.includes("://") || value.includes("/")) return "url";
      if (value.split(":").length > 2) return "ipv6";
      return "domain";
    default:
      return kind;
  }
}

function lines(text: string): string[] {
  return (text.charCodeAt(0) === 0xfeff ? text.slice(1) : text).split(/\r?\n/);
}

/** One value a line; "#" comments and blank lines skipped; defanged values refanged. */
export function loadList(text: string, kind: ListKind, meta: FileMeta): { sets: LoadedSet[]; problems: LoadProblem[] } {
  const problems: LoadProblem[] = [];
  const indicators: Indicator[] = [];
  const ls = lines(text);
  for (let i = 0; i < ls.length; i++) {
    const raw = ls[i]!.trim();
    if (raw === "" || raw.startsWith("#")) continue;
    const value = refang(raw);
    const k = resolveKind(kind, value);
    const key = k === null ? null : normalizeIndicator(k, value);
    if (key === null) {
      problems.push({ file: meta.source, id: `line ${i + 1}`, reason: `${JSON.stringify(raw.slice(0, 120))} is not a valid ${kind === "hash" ? "SHA-256, SHA-1 or MD5 hash" : kind}`, level: "error" });
      continue;
    }
    indicators.push({ type: k!, value, key });
  }
  return { sets: indicators.length ? [makeSet(meta.defaultName, meta, indicators)] : [], problems };
}

/** RFC 4180 CSV: quoted fields with "" escapes and embedded separators/newlines. */
export function parseCsv(text: string): string[][] {
  const body = text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
  const ls = body.split(/\r?\n/);
  if (ls.length > 0 && ls[ls.length - 1] === "") ls.pop();
  // Line by line when no quoted field spans lines (an even number of quotes on every line):
  // most lines then need only a split, and the character loop runs on quoted lines alone.
  if (ls.every((l) => l.indexOf('"') < 0 || (l.split('"').length - 1) % 2 === 0)) {
    return ls.map((l) => (l.indexOf('"') < 0 ? l.split(",") : parseCsvText(l)[0] ?? [""]));
  }
  return parseCsvText(body);
}

function parseCsvText(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let field = "";
  let i = 0;
  let quoted = false;
  const n = text.length;
  for (; i < n; i++) {
    const c = text[i]!;
    if (quoted) {
      if (c === '"') {
        if (text[i + 1] === '"') {
          field += '"';
          i++;
        } else quoted = false;
      } else field += c;
    } else if (c === '"' && field === "") quoted = true;
    else if (c === ",") {
      row.push(field);
      field = "";
    } else if (c === "\n" || c === "\r") {
      if (c === "\r" && text[i + 1] === "\n") i++;
      row.push(field);
      rows.push(row);
      row = [];
      field = "";
    } else field += c;
  }
  if (field !== "" || row.length > 0) {
    row.push(field);
    rows.push(row);
  }
  return rows;
}

const CSV_COLUMNS: Record<string, ListKind> = {
  domain: "domain",
  domains: "domain",
  domain_name: "domain",
  hostname: "domain",
  ip: "ip",
  ip_address: "ip",
  ipv4: "ipv4",
  ipv4_address: "ipv4",
  ipv6: "ipv6",
  ipv6_address: "ipv6",
  url: "url",
  email: "email",
  email_address: "email",
  sha256: "hash",
  sha1: "hash",
  md5: "hash",
  hash: "hash",
  package: "app_id",
  package_name: "app_id",
  app_id: "app_id",
  certificate: "app_cert_hash",
  certificate_sha1: "app_cert_hash",
  certificate_sha256: "app_cert_hash",
  cert_hash: "app_cert_hash",
  cidr: "ip",
  ip_range: "ip",
  ja3: "ja3",
  ja3_hash: "ja3",
  ja4: "ja4",
  x509_sha1: "tls_cert_hash",
  x509_sha256: "tls_cert_hash",
  tls_cert_hash: "tls_cert_hash",
  process: "process",
  process_name: "process",
  file_name: "file_name",
  file_path: "file_path",
};
/** Columns that name the set of each row (Echap's generated tables). */
const NAME_COLUMNS = new Set(["app", "malware", "family"]);
/** Row-typed tables: a "type" column says the kind of the "indicator"/"value" column. */
const ROW_TYPES: Record<string, ListKind> = {
  domain: "domain",
  "domain-name": "domain",
  ip: "ip",
  "ipv4-addr": "ipv4",
  "ipv6-addr": "ipv6",
  ipv4: "ipv4",
  ipv6: "ipv6",
  url: "url",
  email: "email",
  sha256: "hash",
  sha1: "hash",
  md5: "hash",
  // MISP attribute types.
  "ip-dst": "ip",
  "ip-src": "ip",
  hostname: "domain",
  "ja3-fingerprint-md5": "ja3",
  ja4: "ja4",
  "x509-fingerprint-sha1": "tls_cert_hash",
  "x509-fingerprint-sha256": "tls_cert_hash",
};

function headerKey(h: string): string {
  return h.trim().toLowerCase().replace(/[\s-]+/g, "_");
}

export function loadCsv(text: string, meta: FileMeta): { sets: LoadedSet[]; problems: LoadProblem[] } {
  const problems: LoadProblem[] = [];
  // The header decides whether the table is read at all; parse the rest only then.
  const firstLine = text.slice(0, Math.max(0, text.search(/\r?\n/)) || text.length);
  const first = parseCsv(firstLine)[0] ?? [];
  if (!first.map(headerKey).some((h) => own(CSV_COLUMNS, h) || h === "type")) {
    return {
      sets: [],
      problems: [{ file: meta.source, reason: `CSV columns (${first.join(", ").slice(0, 160)}) name no indicator kind Vigil reads`, level: "skipped" }],
    };
  }
  const rows = parseCsv(text);
  const header = (rows[0] ?? []).map(headerKey);
  const typeCol = header.indexOf("type");
  const valueCol = header.findIndex((h) => h === "indicator" || h === "value");
  const nameCol = header.findIndex((h) => NAME_COLUMNS.has(h));
  const kindCols: [number, ListKind][] = [];
  header.forEach((h, i) => {
    const k = own(CSV_COLUMNS, h);
    if (k) kindCols.push([i, k]);
  });
  const rowTyped = typeCol >= 0 && valueCol >= 0;
  if (!rowTyped && kindCols.length === 0) {
    return {
      sets: [],
      problems: [{ file: meta.source, reason: `CSV columns (${(rows[0] ?? []).join(", ").slice(0, 160)}) name no indicator kind Vigil reads`, level: "skipped" }],
    };
  }
  const byName = new Map<string, Indicator[]>();
  const addTo = (name: string, ind: Indicator) => {
    let l = byName.get(name);
    if (!l) byName.set(name, (l = []));
    l.push(ind);
  };
  for (let r = 1; r < rows.length; r++) {
    const row = rows[r]!;
    if (row.length === 1 && row[0]!.trim() === "") continue;
    const setName = nameCol >= 0 && row[nameCol]?.trim() ? row[nameCol]!.trim() : meta.defaultName;
    const cells: [string, ListKind][] = rowTyped
      ? [[row[valueCol] ?? "", own(ROW_TYPES, (row[typeCol] ?? "").trim().toLowerCase()) ?? ("?" as ListKind)]]
      : kindCols.map(([i, k]) => [row[i] ?? "", k]);
    for (const [cell, listKind] of cells) {
      const raw = cell.trim();
      if (raw === "") continue;
      if ((listKind as string) === "?") {
        problems.push({ file: meta.source, id: `line ${r + 1}`, reason: `indicator type ${JSON.stringify(row[typeCol])} is not read`, level: "error" });
        continue;
      }
      const value = refang(raw);
      const k = resolveKind(listKind, value);
      const key = k === null ? null : normalizeIndicator(k, value);
      if (key === null) {
        problems.push({ file: meta.source, id: `line ${r + 1}`, reason: `${JSON.stringify(raw.slice(0, 120))} is not a valid ${listKind}`, level: "error" });
        continue;
      }
      addTo(setName, { type: k!, value, key });
    }
  }
  return { sets: [...byName].map(([name, list]) => makeSet(name, meta, list)), problems };
}

/** A hosts file ("0.0.0.0 evil.com other.com"): the names are domain indicators. */
export function loadHosts(text: string, meta: FileMeta): { sets: LoadedSet[]; problems: LoadProblem[] } {
  const problems: LoadProblem[] = [];
  const indicators: Indicator[] = [];
  const ls = lines(text);
  for (let i = 0; i < ls.length; i++) {
    const line = ls[i]!.replace(/#.*/, "").trim();
    if (!line) continue;
    const parts = line.split(/\s+/);
    // Either "address name..." or a bare name a line (blocklists written as hosts files).
    const names = parts.length > 1 && isIP(parts[0]!) ? parts.slice(1) : parts;
    for (const name of names) {
      const value = refang(name);
      const key = value === "localhost" ? null : normalizeIndicator("domain", value);
      if (key === null) {
        if (value !== "localhost") problems.push({ file: meta.source, id: `line ${i + 1}`, reason: `${JSON.stringify(name)} is not a host name`, level: "error" });
        continue;
      }
      indicators.push({ type: "domain", value, key });
    }
  }
  return { sets: indicators.length ? [makeSet(meta.defaultName, meta, indicators)] : [], problems };
}

/** A JSON value for a one-line problem: strings and scalars as written (cut), lists and objects by kind (they may nest deeper than JSON.stringify goes). */
function shortJson(v: unknown): string {
  if (Array.isArray(v)) return "(a list)";
  if (v !== null && typeof v === "object") return "(an object)";
  return typeof v === "string" ? JSON.stringify(v.slice(0, 120)) : String(v);
}

/** TinyCheck's export: {"iocs": [{"type": "domain"|"ip4addr"|..., "value": ...}]}. */
export function loadTinycheck(doc: { iocs: unknown[] }, meta: FileMeta): { sets: LoadedSet[]; problems: LoadProblem[] } {
  const problems: LoadProblem[] = [];
  const indicators: Indicator[] = [];
  // "cidr" ranges and "sha1cert" (a TLS server's certificate) are TinyCheck's network indicators.
  const types: Record<string, ListKind> = { domain: "domain", ip4addr: "ipv4", ip6addr: "ipv6", ip: "ip", ipv4: "ipv4", ipv6: "ipv6", cidr: "ip", sha1cert: "tls_cert_hash", sha256: "hash", sha1: "hash", md5: "hash", url: "url", email: "email" };
  doc.iocs.forEach((o, i) => {
    const e = o as { type?: unknown; value?: unknown };
    const listKind = typeof e?.type === "string" ? own(types, e.type.toLowerCase()) : undefined;
    if (!listKind || typeof e.value !== "string") {
      problems.push({ file: meta.source, id: `iocs[${i}]`, reason: `entry type ${shortJson(e?.type)} is not read`, level: "error" });
      return;
    }
    const value = refang(e.value.trim());
    const k = resolveKind(listKind, value);
    const key = k === null ? null : normalizeIndicator(k, value);
    if (key === null) {
      problems.push({ file: meta.source, id: `iocs[${i}]`, reason: `${JSON.stringify(e.value.slice(0, 120))} is not a valid ${listKind}`, level: "error" });
      return;
    }
    indicators.push({ type: k!, value, key });
  });
  return { sets: indicators.length ? [makeSet(meta.defaultName, meta, indicators)] : [], problems };
}
