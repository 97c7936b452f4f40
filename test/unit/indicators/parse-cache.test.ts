import { test } from "node:test";
import { createHash } from "node:crypto";
import assert from "node:assert/strict";
import { cpSync, mkdtempSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { BUNDLED_SNAPSHOT } from "../../../src/indicators/cache.ts";
import { loadIndicators } from "../../../src/indicators/load.ts";
import { codeIdentity, type ParseCache } from "../../../src/indicators/parse-cache.ts";

const T1 = new Date("2026-01-01T00:00:00Z");
const T2 = new Date("2026-02-02T00:00:00Z");

function entries(dir: string): string[] {
  try {
    return readdirSync(dir).filter((n) => n.endsWith(".json"));
  } catch {
    return [];
  }
}

/** What a check takes from a load: everything but the matcher object itself, and the matcher's answers. */
function outcome(r: ReturnType<typeof loadIndicators>) {
  return {
    sets: r.sets,
    loaded: r.loaded,
    problems: r.problems,
    files: r.files,
    count: r.matcher.count(),
    pegasus: r.matcher.domain("free247downloads.com").map((m) => [m.indicator.set.name, m.indicator.id]),
    process: r.matcher.process("fservernetd").map((m) => [m.indicator.set.name, m.indicator.id]),
  };
}

test("parse cache: a second load of the bundled snapshot comes from the cache and equals a fresh parse", () => {
  const dir = mkdtempSync(join(tmpdir(), "vigil-pc-"));
  try {
    const cache: ParseCache = { dir: join(dir, "parsed"), code: "code-a" };
    const fresh = loadIndicators([BUNDLED_SNAPSHOT], { now: T2 });
    const first = loadIndicators([BUNDLED_SNAPSHOT], { now: T1, cache });
    const [entry] = entries(cache.dir);
    assert.ok(entry, "an entry was written");
    assert.equal(statSync(cache.dir).mode & 0o777, 0o700);
    assert.equal(statSync(join(cache.dir, entry)).mode & 0o777, 0o600);
    // The entry is what the second load reads: a marker planted in it (with a matching digest)
    // comes back. It also proves that the files are not parsed again.
    const text = readFileSync(join(cache.dir, entry), "utf8");
    const nl = text.indexOf("\n");
    const head = JSON.parse(text.slice(0, nl));
    const body = JSON.parse(text.slice(nl + 1));
    body.sets[0].info.name = "planted";
    const bodyText = JSON.stringify(body);
    head.sha256 = createHash("sha256").update(bodyText).digest("hex");
    writeFileSync(join(cache.dir, entry), `${JSON.stringify(head)}\n${bodyText}`);
    const planted = loadIndicators([BUNDLED_SNAPSHOT], { now: T2, cache });
    assert.equal(planted.sets[0]!.name, "planted");
    // Restore the real entry: the cached load then equals the fresh one, loadedAt included.
    writeFileSync(join(cache.dir, entry), text);
    const second = loadIndicators([BUNDLED_SNAPSHOT], { now: T2, cache });
    assert.deepStrictEqual(outcome(second), outcome(fresh));
    assert.ok(second.sets.every((s) => s.loadedAt === T2.toISOString()));
    assert.ok(first.sets.every((s) => s.loadedAt === T1.toISOString()));
    assert.ok(outcome(fresh).count > 10_000);
    assert.ok(outcome(fresh).pegasus.length > 0 && outcome(fresh).process.length > 0, "a Pegasus domain and process match");
    assert.deepEqual(entries(cache.dir), [entry], "no second entry for the same inputs");
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test("parse cache: changed bytes, another path or other code make a new entry; a damaged entry is parsed again", () => {
  const dir = mkdtempSync(join(tmpdir(), "vigil-pc-"));
  try {
    const iocs = join(dir, "iocs");
    mkdirSync(iocs);
    writeFileSync(join(iocs, "domains.txt"), "evil.example\n");
    writeFileSync(join(iocs, "processes.txt"), "badproc\n");
    const cache: ParseCache = { dir: join(dir, "parsed"), code: "code-a" };
    const a = loadIndicators([iocs], { cache });
    assert.equal(a.matcher.domain("evil.example").length, 1);
    assert.equal(entries(cache.dir).length, 1);

    // Same size, other bytes: a stale entry would still match evil.example.
    writeFileSync(join(iocs, "domains.txt"), "evil.exampla\n");
    const b = loadIndicators([iocs], { cache });
    assert.equal(b.matcher.domain("evil.example").length, 0);
    assert.equal(b.matcher.domain("evil.exampla").length, 1);
    assert.equal(entries(cache.dir).length, 2);

    // The same files under another folder: paths are part of the provenance.
    const moved = join(dir, "moved");
    cpSync(iocs, moved, { recursive: true });
    const c = loadIndicators([moved], { cache });
    assert.ok(c.sets.every((s) => s.source.startsWith(moved)));
    assert.equal(entries(cache.dir).length, 3);

    // Other code: its own entry.
    loadIndicators([iocs], { cache: { ...cache, code: "code-b" } });
    assert.equal(entries(cache.dir).length, 4);

    // A damaged entry (one letter of an indicator changed: still valid JSON, but the digest no
    // longer matches) is ignored and replaced.
    const before = new Set(entries(cache.dir));
    const again = loadIndicators([moved], { cache });
    assert.deepEqual(new Set(entries(cache.dir)), before);
    let damagedEntries = 0;
    for (const n of entries(cache.dir)) {
      const p = join(cache.dir, n);
      const text = readFileSync(p, "utf8");
      if (text.includes("evil.exampla")) damagedEntries++;
      writeFileSync(p, text.replaceAll("evil.exampla", "evil.examplb"));
    }
    assert.ok(damagedEntries >= 1);
    const fresh = loadIndicators([moved]);
    const damaged = loadIndicators([moved], { cache, now: new Date(again.sets[0].loadedAt) });
    assert.deepStrictEqual({ ...damaged, matcher: undefined }, { ...fresh, matcher: undefined, sets: fresh.sets.map((s) => ({ ...s, loadedAt: again.sets[0].loadedAt })), loaded: fresh.loaded.map((s) => ({ ...s, info: { ...s.info, loadedAt: again.sets[0].loadedAt } })) });
    assert.equal(damaged.matcher.process("badproc").length, 1);
    assert.equal(damaged.matcher.domain("evil.examplb").length, 0);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test("parse cache: a cache path that is a file only costs the parse", () => {
  const dir = mkdtempSync(join(tmpdir(), "vigil-pc-"));
  try {
    writeFileSync(join(dir, "domains.txt"), "evil.example\n");
    writeFileSync(join(dir, "parsed"), "not a folder");
    const r = loadIndicators([join(dir, "domains.txt")], { cache: { dir: join(dir, "parsed"), code: "x" } });
    assert.equal(r.matcher.domain("evil.example").length, 1);
    assert.equal(readFileSync(join(dir, "parsed"), "utf8"), "not a folder");
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test("parse cache: code has an identity only in a build folder (dist/ with its build.json)", () => {
  const root = mkdtempSync(join(tmpdir(), "vigil-pc-"));
  try {
    const dist = join(root, "dist");
    mkdirSync(dist);
    assert.equal(codeIdentity(dist), undefined, "no build.json");
    writeFileSync(join(dist, "build.json"), "{ not json");
    assert.equal(codeIdentity(dist), undefined, "damaged build.json");
    writeFileSync(join(dist, "build.json"), JSON.stringify({ version: "1", sources: "s" }));
    assert.equal(codeIdentity(dist), undefined, "no id");
    writeFileSync(join(dist, "build.json"), JSON.stringify({ version: "1", id: "0123456789abcdef", sources: "s" }));
    assert.ok(codeIdentity(dist)?.startsWith(`0123456789abcdef|${process.version}|`));
    mkdirSync(join(root, "src"));
    writeFileSync(join(root, "src", "build.json"), JSON.stringify({ id: "0123456789abcdef" }));
    assert.equal(codeIdentity(join(root, "src")), undefined, "the sources, run through tsx");
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
});

test("parse cache: an entry that cannot be stored leaves no partial file behind", () => {
  const dir = mkdtempSync(join(tmpdir(), "vigil-pc-"));
  try {
    writeFileSync(join(dir, "domains.txt"), "evil.example\n");
    const cache: ParseCache = { dir: join(dir, "parsed"), code: "x" };
    loadIndicators([join(dir, "domains.txt")], { cache });
    const [entry] = entries(cache.dir);
    // The entry's place is taken by a folder: it cannot be read, and the new one cannot be renamed there.
    rmSync(join(cache.dir, entry!));
    mkdirSync(join(cache.dir, entry!, "x"), { recursive: true });
    const r = loadIndicators([join(dir, "domains.txt")], { cache });
    assert.equal(r.matcher.domain("evil.example").length, 1);
    assert.deepEqual(readdirSync(cache.dir), [entry]);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
