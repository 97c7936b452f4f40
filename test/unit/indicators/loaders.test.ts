import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, mkdirSync, writeFileSync, rmSync, symlinkSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parsePattern, loadStix } from "../../../src/indicators/stix.ts";
import { loadList, loadCsv, loadHosts, parseCsv, listKindOf } from "../../../src/indicators/lists.ts";
import { loadEchap } from "../../../src/indicators/echap.ts";
import { parseYaml } from "../../../src/core/yaml.ts";
import { parseIndex } from "../../../src/indicators/mvt-index.ts";
import { loadIndicators, loadContent } from "../../../src/indicators/load.ts";
import { refang } from "../../../src/indicators/normalize.ts";
import type { FileMeta } from "../../../src/indicators/set.ts";

const meta = (name = "f"): FileMeta => ({ source: `/x/${name}`, file: name, sha256: "00", loadedAt: "2026-01-01T00:00:00.000Z", defaultName: name });

test("STIX patterns: one comparison, OR, quoted values with = ' ] and spaces", () => {
  assert.deepEqual(parsePattern("[domain-name:value = 'evil.com']"), [{ path: "domain-name:value", value: "evil.com" }]);
  assert.deepEqual(parsePattern("[domain-name:value='a.com' OR url:value = 'http://b.com/?q=1&x=]']"), [
    { path: "domain-name:value", value: "a.com" },
    { path: "url:value", value: "http://b.com/?q=1&x=]" },
  ]);
  assert.deepEqual(parsePattern("[process:name = 'it\\'s = ] here']"), [{ path: "process:name", value: "it's = ] here" }]);
  assert.deepEqual(parsePattern("[file:hashes.'SHA-256' = 'AB']"), [{ path: "file:hashes.sha-256", value: "AB" }]);
  assert.deepEqual(parsePattern("[a:b = 'x'] OR [c:d = 'y']"), [
    { path: "a:b", value: "x" },
    { path: "c:d", value: "y" },
  ]);
  assert.deepEqual(parsePattern("[file:path = 'C:\\\\x']"), [{ path: "file:path", value: "C:\\x" }]);
});

test("STIX patterns: what cannot be split safely is rejected with a reason", () => {
  assert.throws(() => parsePattern("[a:b = 'x' AND c:d = 'y']"), /AND/);
  assert.throws(() => parsePattern("[a:b = 'x'] FOLLOWEDBY [c:d = 'y']"), /FOLLOWEDBY/);
  assert.throws(() => parsePattern("[a:b != 'x']"), /operator/);
  assert.throws(() => parsePattern("[a:b = 'x"), /unterminated/);
  assert.throws(() => parsePattern("[a:b = 'x'"), /unbalanced/);
  assert.throws(() => parsePattern("a:b = 'x'"), /outside brackets/);
  assert.throws(() => parsePattern("[]"), /empty|unexpected/);
  assert.throws(() => parsePattern("[a:b = 'x' OR]"), /unexpected|ends/);
  assert.throws(() => parsePattern("[a:b = 'x'] WITHIN 5 SECONDS"), /WITHIN/);
});

function bundle(objects: unknown[], spec = "2.1") {
  return JSON.stringify({ type: "bundle", id: "bundle--1", ...(spec === "2.0" ? { spec_version: "2.0" } : {}), objects });
}
const ind = (id: string, pattern: string) => ({ type: "indicator", spec_version: "2.1", id, pattern, pattern_type: "stix" });
const rel = (src: string, dst: string) => ({ type: "relationship", id: `relationship--${src}`, relationship_type: "indicates", source_ref: src, target_ref: dst });

test("STIX loader: every kind and spelling, set named by the indicated malware", () => {
  const sha256 = "a".repeat(64);
  const objs: unknown[] = [
    { type: "malware", id: "malware--1", name: "Pegasus" },
    ind("indicator--1", "[domain-name:value = 'Evil.com']"),
    ind("indicator--2", "[ipv4-addr:value = '1.2.3.4' OR ipv6-addr:value = '2001:db8::1']"),
    ind("indicator--3", "[url:value = 'https://evil.com/x']"),
    ind("indicator--4", "[email-addr:value = 'a@evil.com']"),
    ind("indicator--5", "[process:name = 'bh']"),
    ind("indicator--6", "[file:name = 'x.plist']"),
    ind("indicator--7", "[file:path = '/private/var/db/x']"),
    ind("indicator--8", `[file:hashes.'SHA-256' = '${sha256}']`),
    ind("indicator--9", `[file:hashes.sha256 = '${"b".repeat(64)}' OR file:hashes.'SHA-1' = '${"c".repeat(40)}' OR file:hashes.MD5 = '${"d".repeat(32)}']`),
    ind("indicator--10", "[app:id = 'com.evil.app']"),
    ind("indicator--11", `[app:cert.sha256 = '${"e".repeat(64)}']`),
    ind("indicator--12", `[app:cert.sha1 = '${"f".repeat(40)}']`),
    ind("indicator--13", "[android-property:name = 'persist.evil']"),
    ind("indicator--14", "[configuration-profile:id = 'ABC-123']"),
    ind("indicator--15", "[domain-name:value = '5.6.7.8']"),
    ind("indicator--16", `[app:cert.'SHA-256' = '${"E".repeat(64)}' OR app:cert_hash = '${"1".repeat(64)}']`),
  ];
  for (let i = 1; i <= 16; i++) objs.push(rel(`indicator--${i}`, "malware--1"));
  const { sets, problems } = loadStix(bundle(objs), meta("pegasus.stix2"));
  assert.deepEqual(problems, []);
  assert.equal(sets.length, 1);
  const s = sets[0]!;
  assert.equal(s.info.name, "Pegasus");
  assert.deepEqual(s.info.counts, {
    domain: 1, ipv4: 2, ipv6: 1, url: 1, email: 1, process: 1, file_name: 1, file_path: 1,
    sha256: 2, sha1: 1, md5: 1, app_id: 1, app_cert_hash: 3, android_property: 1, configuration_profile: 1,
  });
  assert.equal(s.indicators.find((i) => i.type === "process")!.id, "indicator--5");
  assert.equal(s.info.source, "/x/pegasus.stix2");
  assert.equal(s.info.sha256, "00");
});

test("STIX loader: malformed objects are reported and skipped, the rest loads", () => {
  const objs: unknown[] = [
    { type: "malware", id: "malware--1", name: "Predator" },
    ind("indicator--ok", "[domain-name:value = 'ok.com']"),
    { type: "indicator", id: "indicator--nopattern" },
    ind("indicator--bad", "[domain-name:value = 'unterminated]"),
    ind("indicator--and", "[domain-name:value = 'a.com' AND url:value = 'b']"),
    ind("indicator--kind", "[x-custom:thing = 'v']"),
    ind("indicator--hash", "[file:hashes.sha256 = 'abc']"),
    ind("indicator--dom", "[domain-name:value = 'not a domain']"),
    42,
    rel("indicator--ok", "malware--1"),
  ];
  const { sets, problems } = loadStix(bundle(objs), meta("p.stix2"));
  assert.equal(sets.length, 1);
  assert.deepEqual(sets[0]!.info.counts, { domain: 1 });
  const ids = problems.map((p) => p.id ?? "");
  for (const id of ["indicator--nopattern", "indicator--bad", "indicator--and", "indicator--kind", "indicator--hash", "indicator--dom"]) {
    assert.ok(ids.includes(id), `problem reported for ${id}`);
  }
  assert.ok(problems.every((p) => p.file === "/x/p.stix2" && p.reason.length > 0));
});

test("STIX loader: 2.0 bundles, unlinked indicators named by file, reports name their refs, junk files", () => {
  const objs: unknown[] = [
    { type: "report", id: "report--1", name: "Campaign report", object_refs: ["indicator--r"] },
    { type: "indicator", id: "indicator--r", pattern: "[domain-name:value = 'r.com']" },
    { type: "indicator", id: "indicator--u", pattern: "[domain-name:value = 'u.com']" },
  ];
  const { sets } = loadStix(bundle(objs, "2.0"), meta("mixed.json"));
  assert.deepEqual(sets.map((s) => s.info.name).sort(), ["Campaign report", "mixed.json"]);
  assert.equal(loadStix("{not json", meta()).problems[0]!.reason.startsWith("not valid JSON"), true);
  assert.equal(loadStix('{"a":1}', meta()).problems[0]!.reason, "not a STIX bundle (no objects array)");
});

test("plain lists: kinds by file name, comments, blank lines, refanging, bad lines reported", () => {
  assert.equal(listKindOf("v4_domains.txt"), "domain");
  assert.equal(listKindOf("ip-addresses.txt"), "ip");
  assert.equal(listKindOf("file_names.txt"), "file_name");
  assert.equal(listKindOf("files.txt"), "file_name");
  assert.equal(listKindOf("package_cert_hashes.txt"), "app_cert_hash");
  assert.equal(listKindOf("notes.txt"), null);
  const text = "# header\n\nevil[.]com\nhxxps://bad.org/x\n  spaced.net  \nnot a domain\n10.0.0.1\n";
  const { sets, problems } = loadList(text, "domain", meta("domains.txt"));
  assert.deepEqual(sets[0]!.indicators.map((i) => [i.type, i.value]), [
    ["domain", "evil.com"],
    ["url", "https://bad.org/x"],
    ["domain", "spaced.net"],
    ["ipv4", "10.0.0.1"],
  ]);
  assert.equal(problems.length, 1);
  assert.equal(problems[0]!.id, "line 6");
  const ips = loadList("1.2.3.4\n2001:DB8::1\nnope\n", "ip", meta("ips.txt"));
  assert.deepEqual(ips.sets[0]!.info.counts, { ipv4: 1, ipv6: 1 });
  assert.equal(ips.problems.length, 1);
  const hashes = loadList(`${"a".repeat(64)}\n${"b".repeat(40)}\n${"c".repeat(32)}\nxyz\n`, "hash", meta("sha256.txt"));
  assert.deepEqual(hashes.sets[0]!.info.counts, { sha256: 1, sha1: 1, md5: 1 });
  assert.equal(hashes.problems.length, 1);
  assert.equal(refang("evil(.)com"), "evil.com");
  assert.equal(refang("hxxp://a[.]b"), "http://a.b");
  assert.equal(refang("user[@]x[.]org"), "user@x.org");
});

test("CSV: kinds from the header, row-typed tables, named rows, unknown headers skipped with a reason", () => {
  assert.deepEqual(parseCsv('a,b\n"x, y","q""z"\r\n1,2'), [["a", "b"], ["x, y", 'q"z'], ["1", "2"]]);
  assert.deepEqual(parseCsv('a,b\n"multi\nline",z\n1,2\n'), [["a", "b"], ["multi\nline", "z"], ["1", "2"]]);
  const nso = loadCsv('domain_name,ip_address\n"evil.com","1.2.3.4"\n"bad",""\n', meta("indicators.csv"));
  assert.deepEqual(nso.sets[0]!.info.counts, { domain: 1, ipv4: 1 });
  assert.equal(nso.problems.length, 1);
  const net = loadCsv("type,indicator,app\ndomain,a.com,SpyA\nip,1.1.1.1,SpyB\nweird,x,SpyA\n", meta("network.csv"));
  assert.deepEqual(net.sets.map((s) => [s.info.name, s.info.counts]), [["SpyA", { domain: 1 }], ["SpyB", { ipv4: 1 }]]);
  assert.equal(net.problems.length, 1);
  const samples = loadCsv(`SHA256,Package Name,Certificate,Version,App\n${"a".repeat(64)},com.x,${"B".repeat(40)},1,X\n`, meta("samples.csv"));
  assert.deepEqual(samples.sets[0]!.info.counts, { sha256: 1, app_id: 1, app_cert_hash: 1 });
  const tlv = loadCsv("Group ID,Group name\n1,x\n", meta("tlv.csv"));
  assert.equal(tlv.sets.length, 0);
  assert.equal(tlv.problems[0]!.level, "skipped");
  assert.match(tlv.problems[0]!.reason, /no indicator kind/);
});

test("hosts files give domains", () => {
  const r = loadHosts("# c\n127.0.0.1 localhost\n0.0.0.0 evil.com www.evil.com\nbare.org\n0.0.0.0 bad_name!\n", meta("hosts"));
  assert.deepEqual(r.sets[0]!.indicators.map((i) => i.value), ["evil.com", "www.evil.com", "bare.org"]);
  assert.equal(r.problems.length, 1);
});

const ECHAP = `- name: SpyOne
  names:
  - SpyOne
  type: stalkerware
  packages:
  - com.spy.one
  certificates:
  - 31A6ECECD97CF39BC4126B8745CD94A7C30BF81C
  websites:
  - spyone.com
  - 178.63.71.15
  distribution:
  - dl.spyone.com
  c2:
    ips:
    - 69.64.74.239
    domains:
    - c2.spyone.com # main server
  certificate_organizations:
  - Spy Org

- name: 'Spy''s Two'
  packages:
  - "com.spy.two"
  - 12
  c2:
    ip: 2001:db8::5
`;

test("Echap ioc.yaml: one set per app, every field mapped, unreadable fields reported", () => {
  const doc = parseYaml(ECHAP) as unknown[];
  const { sets, problems } = loadEchap(doc, meta("ioc.yaml"));
  assert.deepEqual(sets.map((s) => s.info.name), ["SpyOne", "Spy's Two"]);
  assert.deepEqual(sets[0]!.info.counts, { app_id: 1, app_cert_hash: 1, domain: 3, ipv4: 2 });
  assert.deepEqual(sets[1]!.info.counts, { app_id: 1, ipv6: 1 });
  assert.ok(problems.some((p) => p.level === "error" && /packages: 12/.test(p.reason)));
  assert.ok(problems.some((p) => p.level === "skipped" && /certificate_organizations/.test(p.reason)));
});

test("Echap ioc.yaml: a value that is a mapping or list (even one an alias makes cyclic) is a one-line problem", () => {
  const text = "- &app\n  name: Spy\n  packages: [com.spy.app, *app, [a, b]]\n  c2:\n    ips: &l [1.2.3.4, *l]\n  \"odd\\nkey\": x\n";
  const r = loadContent("ioc.yaml", Buffer.from(text), meta("ioc.yaml"));
  assert.equal(r.format, "echap-yaml");
  assert.deepEqual(r.sets[0]!.info.counts, { app_id: 1, ipv4: 1 });
  const reasons = r.problems.map((p) => p.reason);
  assert.ok(reasons.includes("packages: a mapping is not a string"), reasons.join(" | "));
  assert.ok(reasons.includes("packages: a list is not a string"));
  assert.ok(reasons.includes("c2.ips: a list is not a string"));
  for (const p of r.problems) assert.ok(!p.reason.includes("\n"), p.reason);
});

test("TinyCheck export: an entry type that is a list or object, however deep, is a one-line problem", () => {
  const deep = `${"[".repeat(100_000)}${"]".repeat(100_000)}`;
  const r = loadContent("iocs.json", Buffer.from(`{"iocs": [{"type": ${deep}, "value": "x"}, {"type": {"a": 1}, "value": "x"}, {"type": 7, "value": "x"}, {"type": "domain", "value": "evil.com"}]}`), meta("iocs.json"));
  assert.equal(r.format, "tinycheck");
  assert.deepEqual(r.sets[0]!.info.counts, { domain: 1 });
  assert.deepEqual(r.problems.map((p) => p.reason), ["entry type (a list) is not read", "entry type (an object) is not read", "entry type 7 is not read"]);
});

test("CSV columns and TinyCheck types named like inherited properties (constructor, __proto__) are not indicator kinds", () => {
  const csv = loadContent("iocs.csv", Buffer.from("constructor,__proto__,domain\nevil.com,evil.org,bad.com\n"), meta("iocs.csv"));
  assert.deepEqual(csv.sets[0]!.info.counts, { domain: 1 });
  const typed = loadContent("typed.csv", Buffer.from("type,value\nconstructor,evil.com\n__proto__,evil.org\n"), meta("typed.csv"));
  assert.deepEqual(typed.problems.map((p) => p.reason), ['indicator type "constructor" is not read', 'indicator type "__proto__" is not read']);
  const tc = loadContent("iocs.json", Buffer.from('{"iocs": [{"type": "constructor", "value": "evil.com"}, {"type": "__proto__", "value": "evil.com"}]}'), meta("iocs.json"));
  assert.equal(tc.sets.length, 0);
  assert.deepEqual(tc.problems.map((p) => p.reason), ['entry type "constructor" is not read', 'entry type "__proto__" is not read']);
});

test("mvt-indicators index: github and download entries, empty and unsafe entries reported", () => {
  const doc = parseYaml(`indicators:
  -
  - type: github
    name: Pegasus IOCs
    sources: [Amnesty International]
    references:
      - https://example.org/report
    github:
      owner: AmnestyTech
      repo: investigations
      branch: master
      path: 2021-07-18_nso/pegasus.stix2
  - type: download
    name: Other
    download_url: https://example.org/files/other.stix2
  - type: github
    name: Evil
    github:
      owner: x
      repo: y
      path: ../../etc/passwd
`);
  const { entries, problems } = parseIndex(doc);
  assert.equal(entries.length, 2);
  assert.deepEqual(entries[0], {
    name: "Pegasus IOCs",
    sources: ["Amnesty International"],
    references: ["https://example.org/report"],
    url: "https://raw.githubusercontent.com/AmnestyTech/investigations/master/2021-07-18_nso/pegasus.stix2",
    localPath: "amnesty/2021-07-18_nso/pegasus.stix2",
    repo: "AmnestyTech/investigations",
    license: "CC-BY-2.0",
  });
  assert.equal(entries[1]!.localPath, "downloads/other.stix2");
  assert.equal(problems.length, 2);
});

test("loadIndicators: folders, index provenance, list sets named after their STIX set, dedupe, problems", () => {
  const dir = mkdtempSync(join(tmpdir(), "vigil-iocs-"));
  try {
    mkdirSync(join(dir, "mvt-indicators"), { recursive: true });
    mkdirSync(join(dir, "amnesty/2021_nso"), { recursive: true });
    writeFileSync(join(dir, "mvt-indicators/indicators.yaml"), `indicators:
  - type: github
    name: NSO Pegasus IOCs
    references: [https://example.org/r]
    github: {owner: AmnestyTech, repo: investigations, branch: master, path: 2021_nso/pegasus.stix2}
  - type: github
    name: Missing
    github: {owner: mvt-project, repo: mvt-indicators, path: gone/gone.stix2}
`);
    const stix = bundle([
      { type: "malware", id: "malware--1", name: "Pegasus" },
      ind("indicator--1", "[domain-name:value = 'evil.com']"),
      rel("indicator--1", "malware--1"),
    ]);
    writeFileSync(join(dir, "amnesty/2021_nso/pegasus.stix2"), stix);
    writeFileSync(join(dir, "amnesty/2021_nso/domains.txt"), "evil.com\nextra.com\n");
    writeFileSync(join(dir, "amnesty/copy.stix2"), stix);
    writeFileSync(join(dir, "amnesty/rules.yar"), "rule x {}");
    writeFileSync(join(dir, "amnesty/broken.stix2"), "{");
    writeFileSync(join(dir, "amnesty/README.md"), "# hi");
    writeFileSync(join(dir, "snapshot.json"), JSON.stringify({ created: "2026-01-01T00:00:00Z", source: "t", sources: [{ dir: "amnesty", license: "CC-BY-2.0" }] }));
    const r = loadIndicators([dir, join(dir, "does-not-exist")]);
    const pegasus = r.sets.filter((s) => s.name === "Pegasus");
    assert.equal(pegasus.length, 2, "the STIX file and its sibling list; the identical copy is loaded once");
    const st = pegasus.find((s) => s.file.endsWith("pegasus.stix2"))!;
    assert.equal(st.indexName, "NSO Pegasus IOCs");
    assert.deepEqual(st.references, ["https://example.org/r"]);
    assert.equal(st.license, "CC-BY-2.0");
    assert.equal(st.sha256.length, 64);
    assert.equal(r.matcher.count("domain"), 2, "evil.com once for the set name Pegasus, plus extra.com");
    assert.equal(r.matcher.domain("a.evil.com").length, 1);
    assert.equal(r.matcher.domain("a.evil.com")[0]!.indicator.id, "indicator--1");
    const reasons = r.problems.map((p) => `${p.level} ${p.file.replace(dir, "")} ${p.id ?? ""} ${p.reason}`);
    assert.ok(reasons.some((x) => /^skipped \/amnesty\/rules.yar .*YARA/.test(x)), reasons.join("\n"));
    assert.ok(reasons.some((x) => /^error \/amnesty\/broken.stix2 .*not valid JSON/.test(x)));
    assert.ok(reasons.some((x) => /^error .*does-not-exist .*no such file/.test(x)));
    assert.ok(reasons.some((x) => /^error \/mvt-indicators\/indicators.yaml Missing .*not in this folder/.test(x)));
    assert.ok(!reasons.some((x) => /README/.test(x)));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test("loadContent never throws on junk", () => {
  for (const [name, data] of [["a.stix2", "\u0000\u0001"], ["x.json", "[]"], ["i.yaml", "a: b: c"], ["ioc.yaml", "- 1\n- 2"], ["d.csv", ""], ["domains.txt", ""], ["blob.bin", "zz"]] as const) {
    assert.doesNotThrow(() => loadContent(name, Buffer.from(data), meta(name)));
  }
  assert.equal(loadContent("blob.bin", Buffer.from("zz"), meta()).problems[0]!.level, "skipped");
});

test("loadIndicators does not follow symbolic links to folders (no loops)", () => {
  const dir = mkdtempSync(join(tmpdir(), "vigil-loop-"));
  try {
    writeFileSync(join(dir, "domains.txt"), "evil.com\n");
    symlinkSync(dir, join(dir, "loop"));
    const r = loadIndicators([dir]);
    assert.equal(r.matcher.count("domain"), 1);
    assert.ok(r.problems.some((p) => p.level === "skipped" && /symbolic link/.test(p.reason)));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
