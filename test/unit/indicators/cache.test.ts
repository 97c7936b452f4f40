import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, mkdirSync, writeFileSync, rmSync, readdirSync } from "node:fs";
import { homedir, tmpdir } from "node:os";
import { join } from "node:path";
import { beginSnapshot, cacheRoot, defaultIndicatorPaths, listCachedSnapshots, vigilHome, BUNDLED_SNAPSHOT } from "../../../src/indicators/cache.ts";
import { loadIndicatorsForRun } from "../../../src/indicators/for-run.ts";
import { english, render } from "../../../src/core/i18n/index.ts";

function withEnv(env: Record<string, string | undefined>, fn: () => void | Promise<void>) {
  const prev: Record<string, string | undefined> = {};
  for (const k of Object.keys(env)) {
    prev[k] = process.env[k];
    if (env[k] === undefined) delete process.env[k];
    else process.env[k] = env[k];
  }
  const restore = () => {
    for (const k of Object.keys(prev)) {
      if (prev[k] === undefined) delete process.env[k];
      else process.env[k] = prev[k];
    }
  };
  try {
    const r = fn();
    if (r instanceof Promise) return r.finally(restore);
    restore();
  } catch (e) {
    restore();
    throw e;
  }
}

test("cache folder: VIGIL_HOME, else XDG_CACHE_HOME/vigil, else ~/.cache/vigil", () => {
  withEnv({ VIGIL_HOME: "/a/b", XDG_CACHE_HOME: "/x" }, () => assert.equal(vigilHome(), "/a/b"));
  withEnv({ VIGIL_HOME: undefined, XDG_CACHE_HOME: "/x" }, () => assert.equal(vigilHome(), "/x/vigil"));
  withEnv({ VIGIL_HOME: undefined, XDG_CACHE_HOME: undefined }, () => assert.equal(vigilHome(), join(homedir(), ".cache", "vigil")));
});

test("default indicators: the newest complete cache snapshot, else the bundled one; partial folders are ignored", () => {
  const home = mkdtempSync(join(tmpdir(), "vigil-cache-"));
  try {
    withEnv({ VIGIL_HOME: home }, () => {
      const d0 = defaultIndicatorPaths();
      assert.equal(d0.kind, "bundled");
      assert.equal(d0.dir, BUNDLED_SNAPSHOT);
      assert.match(d0.description, /bundled with Vigil/);
      // The same line as a catalog message, so that a French report says it in French.
      assert.equal(d0.message.id, "iocs.snapshot.bundled");
      assert.match(render("fr", d0.message), /^instantané d'indicateurs fourni avec Vigil \(\d{4}-\d{2}-\d{2}\)/);
      assert.equal(english(d0.message), d0.description);

      const a = beginSnapshot(new Date("2026-01-01T00:00:00Z"));
      a.write("x/domains.txt", Buffer.from("evil.com\n"));
      const dirA = a.commit({ created: "2026-01-01T00:00:00.000Z", source: "test" });
      const b = beginSnapshot(new Date("2026-02-01T00:00:00Z"));
      b.write("domains.txt", Buffer.from("other.com\n"));
      const dirB = b.commit({ created: "2026-02-01T00:00:00.000Z", source: "test" });
      // A folder without manifest (interrupted by hand) or a pending one never counts.
      mkdirSync(join(cacheRoot(), "20270101T000000000Z"));
      const pending = beginSnapshot(new Date("2028-01-01T00:00:00Z"));
      pending.write("domains.txt", Buffer.from("x.com\n"));

      assert.deepEqual(listCachedSnapshots().map((s) => s.dir), [dirB, dirA]);
      const d = defaultIndicatorPaths();
      assert.equal(d.kind, "cache");
      assert.equal(d.dir, dirB);
      assert.match(d.description, /2026-02-01/);
      assert.match(render("fr", d.message), /du 2026-02-01/);
      assert.throws(() => pending.write("../escape.txt", Buffer.from("x")), /unsafe path/);
      pending.abort();
      assert.ok(readdirSync(cacheRoot()).every((n) => !n.startsWith(".")));
    });
  } finally {
    rmSync(home, { recursive: true, force: true });
  }
});

test("indicators for a run: given paths, or the default snapshot named in `snapshot`; problems as lines", async () => {
  const dir = mkdtempSync(join(tmpdir(), "vigil-run-"));
  try {
    writeFileSync(join(dir, "domains.txt"), "evil.com\nnot a domain\n");
    writeFileSync(join(dir, "rules.yar"), "rule x {}");
    const r = await loadIndicatorsForRun([dir]);
    assert.equal(r.snapshot, undefined);
    assert.equal(r.matcher.domain("a.evil.com").length, 1);
    assert.equal(r.problems.length, 2);
    assert.match(r.problems[0]!, /domains\.txt \(line 2\): "not a domain" is not a valid domain/);
    assert.match(r.problems[1]!, /1 file\(s\) or field\(s\) skipped/);
    await withEnv({ VIGIL_HOME: dir }, async () => {
      const d = await loadIndicatorsForRun(undefined);
      assert.match(d.snapshot ?? "", /bundled with Vigil/);
      assert.ok(d.matcher.count() > 1000);
    });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
