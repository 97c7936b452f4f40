// Every indicator file of the corpus loads, and what the loaders count equals a count made
// independently from the files' contents (a plain regex over STIX patterns, non-comment lines
// of lists, the yaml library for Echap's file).
import { test } from "node:test";
import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { readdirSync, readFileSync, statSync } from "node:fs";
import { basename, join } from "node:path";
import { parse as parseYaml } from "yaml";
import { HAVE_CORPUS, corpus } from "../helpers/corpus.ts";
import { loadContent, loadIndicators } from "../../src/indicators/load.ts";
import type { FileMeta } from "../../src/indicators/set.ts";
import type { LoadedSet } from "../../src/indicators/types.ts";

const skip = !HAVE_CORPUS;
const IOCS = corpus("iocs");

function walk(dir: string, out: string[] = []): string[] {
  for (const n of readdirSync(dir).sort()) {
    const p = join(dir, n);
    if (statSync(p).isDirectory()) walk(p, out);
    else out.push(p);
  }
  return out;
}
const meta = (p: string): FileMeta => ({ source: p, file: basename(p), sha256: "", loadedAt: "", defaultName: basename(p) });

function loadedCounts(sets: LoadedSet[]): Record<string, number> {
  const out: Record<string, number> = {};
  for (const s of sets) for (const [k, v] of Object.entries(s.info.counts)) out[k] = (out[k] ?? 0) + (v ?? 0);
  return out;
}

function add(counts: Map<string, Set<string>>, kind: string, value: string) {
  let s = counts.get(kind);
  if (!s) counts.set(kind, (s = new Set()));
  s.add(value);
}
const toObj = (m: Map<string, Set<string>>) => Object.fromEntries([...m].map(([k, v]) => [k, v.size]).filter(([, n]) => (n as number) > 0));

const IPV4 = /^\d{1,3}(\.\d{1,3}){3}$/;
const STIX_KIND: Record<string, string> = {
  "domain-name:value": "domain",
  "ipv4-addr:value": "ipv4",
  "ipv6-addr:value": "ipv6",
  "url:value": "url",
  "email-addr:value": "email",
  "process:name": "process",
  "file:name": "file_name",
  "file:path": "file_path",
  "app:id": "app_id",
  "android-property:name": "android_property",
  "configuration-profile:id": "configuration_profile",
};
const CASELESS = new Set(["domain", "email", "sha256", "sha1", "md5", "app_cert_hash", "ipv6"]);

// Data defects the loaders must report rather than load: a "domain" of one label.
const isSingleLabel = (kind: string, v: string) => kind === "domain" && !v.includes(".");

function independentStix(text: string): { counts: Record<string, number>; invalid: number } {
  const counts = new Map<string, Set<string>>();
  let invalid = 0;
  const doc = JSON.parse(text) as { objects: { type: string; pattern?: string }[] };
  for (const o of doc.objects) {
    if (o.type !== "indicator" || !o.pattern) continue;
    for (const m of o.pattern.matchAll(/([a-z0-9-]+:[A-Za-z0-9_.'-]+)\s*=\s*'((?:[^'\\]|\\.)*)'/g)) {
      const path = m[1]!.replace(/'/g, "").toLowerCase();
      const value = m[2]!.replace(/\\(.)/g, "$1").trim();
      let kind: string | undefined = STIX_KIND[path];
      if (path.startsWith("file:hashes.")) kind = ({ 64: "sha256", 40: "sha1", 32: "md5" } as Record<number, string>)[value.length];
      if (path.startsWith("app:cert")) kind = "app_cert_hash";
      if (kind === "domain" && IPV4.test(value)) kind = "ipv4";
      else if (kind === "domain" && value.includes("/")) kind = "url";
      assert.ok(kind, `unexpected pattern path ${path}`);
      if (isSingleLabel(kind!, value)) invalid++;
      else add(counts, kind!, CASELESS.has(kind!) ? value.toLowerCase() : value);
    }
  }
  return { counts: toObj(counts), invalid };
}

test("every STIX2 file of the corpus loads with the counts of an independent pattern scan", { skip }, () => {
  const files = walk(corpus()).filter((p) => p.endsWith(".stix2"));
  assert.ok(files.length >= 15, `found ${files.length} STIX2 files`);
  for (const f of files) {
    const data = readFileSync(f);
    const r = loadContent(basename(f), data, meta(f));
    assert.equal(r.format, "stix2", f);
    assert.ok(r.sets.length >= 1, `${f} gives a set`);
    const expected = independentStix(data.toString("utf8"));
    assert.equal(r.problems.length, expected.invalid, `${f}: ${JSON.stringify(r.problems)}`);
    assert.ok(r.problems.every((p) => p.level === "error" && /is not a valid domain/.test(p.reason) && p.id?.startsWith("indicator--")));
    assert.deepEqual(loadedCounts(r.sets), expected.counts, f);
    const malware = (JSON.parse(data.toString("utf8")).objects as { type: string; name: string }[]).filter((o) => o.type === "malware").map((o) => o.name);
    assert.deepEqual(r.sets.map((s) => s.info.name), malware, `${f} sets are named by their malware`);
  }
});

const LIST_KIND: [RegExp, (v: string) => string][] = [
  [/^(v\d+_|[\w-]+_)?domains?\.txt$/, (v) => (IPV4.test(v) ? "ipv4" : v.includes("/") ? "url" : "domain")],
  [/^(ips|ip-addresses)\.txt$/, (v) => (v.includes(":") ? "ipv6" : "ipv4")],
  [/^emails\.txt$/, () => "email"],
  [/^processes\.txt$/, () => "process"],
  [/^(files|file_names)\.txt$/, () => "file_name"],
  [/^file_paths\.txt$/, () => "file_path"],
  [/^(sha256|samples)\.txt$/, (v) => ({ 64: "sha256", 40: "sha1", 32: "md5" })[v.length] ?? "?"],
  [/^package_names\.txt$/, () => "app_id"],
  [/^package_cert_hashes\.txt$/, () => "app_cert_hash"],
  [/^android_properties\.txt$/, () => "android_property"],
  [/^config_profiles\.txt$/, () => "configuration_profile"],
];

test("every plain list of the corpus loads all its non-comment lines", { skip }, () => {
  const files = walk(IOCS).filter((p) => p.endsWith(".txt") && LIST_KIND.some(([re]) => re.test(basename(p))));
  assert.ok(files.length >= 50, `found ${files.length} lists`);
  for (const f of files) {
    const text = readFileSync(f, "utf8");
    const kindOf = LIST_KIND.find(([re]) => re.test(basename(f)))![1];
    const counts = new Map<string, Set<string>>();
    let invalid = 0;
    for (const line of text.split(/\r?\n/)) {
      const v = line.trim();
      if (!v || v.startsWith("#")) continue;
      const k = kindOf(v);
      if (isSingleLabel(k, v)) invalid++;
      else add(counts, k, CASELESS.has(k) ? v.toLowerCase() : v);
    }
    const r = loadContent(basename(f), readFileSync(f), meta(f));
    assert.equal(r.problems.length, invalid, `${f}: ${JSON.stringify(r.problems)}`);
    assert.deepEqual(loadedCounts(r.sets), toObj(counts), f);
  }
});

test("Echap's ioc.yaml loads one set per app with the counts the yaml library gives", { skip }, () => {
  const f = join(IOCS, "echap-stalkerware/ioc.yaml");
  const text = readFileSync(f, "utf8");
  const doc = parseYaml(text) as Record<string, unknown>[];
  const r = loadContent("ioc.yaml", readFileSync(f), meta(f));
  assert.equal(r.format, "echap-yaml");
  assert.equal(r.problems.filter((p) => p.level === "error").length, 0, JSON.stringify(r.problems));
  const expected = doc.filter((e) => ["packages", "certificates", "websites", "distribution", "c2"].some((k) => e[k])).map((e) => e.name);
  assert.deepEqual(r.sets.map((s) => s.info.name), expected);
  for (const entry of doc) {
    const counts = new Map<string, Set<string>>();
    for (const p of (entry.packages as string[] | undefined) ?? []) add(counts, "app_id", p);
    for (const c of (entry.certificates as string[] | undefined) ?? []) add(counts, "app_cert_hash", c.toLowerCase());
    const c2 = (entry.c2 ?? {}) as { domains?: string[]; ips?: string[]; ip?: string[] };
    for (const d of [...((entry.websites as string[]) ?? []), ...((entry.distribution as string[]) ?? []), ...(c2.domains ?? [])]) {
      add(counts, IPV4.test(d) ? "ipv4" : d.includes("/") ? "url" : "domain", d.includes("/") ? d : d.toLowerCase());
    }
    for (const ip of [...(c2.ips ?? []), ...(c2.ip ?? [])]) add(counts, ip.includes(":") ? "ipv6" : "ipv4", ip);
    const set = r.sets.find((s) => s.info.name === entry.name);
    if (counts.size === 0) continue;
    assert.ok(set, `set for ${entry.name}`);
    assert.deepEqual(set!.info.counts, toObj(counts), String(entry.name));
  }
});

test("the CSV files whose header names a kind load; the others are reported, not ignored", { skip }, () => {
  const nso = join(IOCS, "amnesty/2018-08-01_nso/indicators.csv");
  const rows = readFileSync(nso, "utf8").trim().split(/\r?\n/).slice(1).map((l) => l.split(",").map((c) => c.replace(/"/g, "")));
  const r = loadContent("indicators.csv", readFileSync(nso), meta(nso));
  assert.deepEqual(r.problems, []);
  assert.deepEqual(loadedCounts(r.sets), { domain: new Set(rows.map((x) => x[0]!.toLowerCase())).size, ipv4: new Set(rows.map((x) => x[1])).size });
  const tlv = join(IOCS, "amnesty/2020-09-25_finfisher/android_tlv_list.csv");
  const t = loadContent("android_tlv_list.csv", readFileSync(tlv), meta(tlv));
  assert.equal(t.sets.length, 0);
  assert.equal(t.problems[0]!.level, "skipped");
});

// How fast it loads is measured by `npm run bench -- indicators`; the timeout only catches a load
// that went pathological.
test("the whole corpus snapshot loads, the index resolves to its files, nothing is silently ignored", { skip, timeout: 60_000 }, () => {
  const t0 = performance.now();
  const r = loadIndicators([IOCS]);
  const ms = performance.now() - t0;
  process.stderr.write(`# corpus indicators: ${r.files} files, ${r.sets.length} sets, ${r.matcher.count()} indicators in ${ms.toFixed(0)} ms\n`);
  const errors = r.problems.filter((p) => p.level === "error");
  // The only defects in the corpus: one-label "domains" in Predator's files, reported.
  for (const e of errors) assert.match(e.reason, /"[a-z0-9-]+" is not a valid domain$/, JSON.stringify(e));
  assert.ok(errors.length <= 2);
  const index = readFileSync(join(IOCS, "mvt-indicators/indicators.yaml"), "utf8");
  const indexNames = [...index.matchAll(/^\s+name: (.+)$/gm)].map((m) => m[1]!.trim());
  const withIndex = new Set(r.sets.map((s) => s.indexName).filter(Boolean));
  for (const n of indexNames) assert.ok(withIndex.has(n), `index entry "${n}" resolved to a loaded set`);
  // Every file is either loaded, a document, or listed as a problem.
  const sources = new Set([...r.sets.map((s) => s.source), ...r.problems.map((p) => p.file)]);
  const loadedHashes = new Set(r.sets.map((s) => s.sha256));
  for (const f of walk(IOCS)) {
    const n = basename(f).toLowerCase();
    if (/readme|license|\.md$/.test(n) || n === "indicators.yaml" || statSync(f).size === 0) continue;
    // Identical copies (same SHA-256) load once.
    const sha = createHash("sha256").update(readFileSync(f)).digest("hex");
    assert.ok(sources.has(f) || loadedHashes.has(sha), `${f} is loaded or reported`);
  }
  // Spot checks through the matcher.
  assert.ok(r.matcher.process("roleaccountd").length > 0);
  assert.ok(r.matcher.domain("x.weather4free.com").length > 0);
  assert.ok(r.matcher.appId("com.apspy.app").length > 0);
  assert.ok(r.matcher.configurationProfile("76DAB334-7E17-475D-A5D6-0794EB5818A5").length > 0);
});
