import { test } from "node:test";
import assert from "node:assert/strict";
import { createServer, type Server } from "node:http";
import { mkdtempSync, mkdirSync, writeFileSync, rmSync, readFileSync, readdirSync, existsSync, symlinkSync, truncateSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createHash } from "node:crypto";
import { updateIndicators, importIndicators } from "../../../src/indicators/update.ts";
import { VigilError } from "../../../src/core/errors.ts";
import { defaultIndicatorPaths, listCachedSnapshots, BUNDLED_SNAPSHOT } from "../../../src/indicators/cache.ts";
import { loadIndicators } from "../../../src/indicators/load.ts";

const STIX = JSON.stringify({
  type: "bundle",
  id: "bundle--1",
  objects: [
    { type: "malware", id: "malware--1", name: "Pegasus" },
    { type: "indicator", id: "indicator--1", pattern: "[domain-name:value = 'evil.com']", pattern_type: "stix" },
    { type: "relationship", id: "relationship--1", relationship_type: "indicates", source_ref: "indicator--1", target_ref: "malware--1" },
  ],
});

function serve(root: string): Promise<{ server: Server; base: string; hits: string[] }> {
  const hits: string[] = [];
  const server = createServer((req, res) => {
    const path = decodeURIComponent((req.url ?? "/").split("?")[0]!);
    hits.push(path);
    const file = join(root, path);
    if (!file.startsWith(root) || !existsSync(file)) {
      res.writeHead(404).end("not found");
      return;
    }
    res.writeHead(200, { "content-type": "text/plain" }).end(readFileSync(file));
  });
  return new Promise((ok) => server.listen(0, "127.0.0.1", () => {
    const addr = server.address() as { port: number };
    ok({ server, base: `http://127.0.0.1:${addr.port}`, hits });
  }));
}

function index(base: string, files: string[]): string {
  return "indicators:\n  -\n" + files.map((f, i) => `  - type: download\n    name: Set ${i}\n    download_url: ${base}/${f}\n`).join("");
}

function withHome<T>(fn: (home: string) => Promise<T>): Promise<T> {
  const home = mkdtempSync(join(tmpdir(), "vigil-home-"));
  const prev = process.env.VIGIL_HOME;
  process.env.VIGIL_HOME = home;
  return fn(home).finally(() => {
    if (prev === undefined) delete process.env.VIGIL_HOME;
    else process.env.VIGIL_HOME = prev;
    rmSync(home, { recursive: true, force: true });
  });
}

test("update: downloads the index and its files into a new snapshot with a manifest; failures keep the previous one", async () => {
  await withHome(async (home) => {
    const www = mkdtempSync(join(tmpdir(), "vigil-www-"));
    const { server, base, hits } = await serve(www);
    try {
      writeFileSync(join(www, "pegasus.stix2"), STIX);
      writeFileSync(join(www, "domains.txt"), "other.com\n");
      writeFileSync(join(www, "index.yaml"), index(base, ["pegasus.stix2", "domains.txt"]));
      assert.equal(defaultIndicatorPaths().kind, existsSync(BUNDLED_SNAPSHOT) ? "bundled" : "none");

      const r = await updateIndicators({ indexUrl: `${base}/index.yaml`, now: new Date("2026-02-01T10:00:00Z") });
      assert.equal(r.files, 2);
      assert.ok(r.dir.startsWith(join(home, "iocs")));
      assert.deepEqual(hits.slice().sort(), ["/domains.txt", "/index.yaml", "/pegasus.stix2"]);
      const manifest = JSON.parse(readFileSync(join(r.dir, "manifest.json"), "utf8"));
      const peg = manifest.files.find((f: { path: string }) => f.path === "downloads/pegasus.stix2");
      assert.equal(peg.sha256, createHash("sha256").update(STIX).digest("hex"));
      assert.equal(peg.url, `${base}/pegasus.stix2`);
      const d = defaultIndicatorPaths();
      assert.equal(d.kind, "cache");
      assert.equal(d.dir, r.dir);
      assert.match(d.description, /2026-02-01T10:00:00/);
      const loaded = loadIndicators(d.paths);
      const set = loaded.sets.find((s) => s.name === "Pegasus")!;
      assert.equal(set.indexName, "Set 0", "provenance from the downloaded index");
      assert.equal(loaded.matcher.domain("x.evil.com").length, 1);
      assert.equal(loaded.matcher.domain("other.com").length, 1);

      // A file that fails (404) or does not parse: no new snapshot, the previous one stays the default.
      writeFileSync(join(www, "index.yaml"), index(base, ["pegasus.stix2", "missing.stix2"]));
      await assert.rejects(updateIndicators({ indexUrl: `${base}/index.yaml`, now: new Date("2026-03-01T00:00:00Z") }), /HTTP 404.*|previous snapshot is kept/);
      writeFileSync(join(www, "bad.stix2"), "{ not json");
      writeFileSync(join(www, "index.yaml"), index(base, ["bad.stix2"]));
      await assert.rejects(updateIndicators({ indexUrl: `${base}/index.yaml`, now: new Date("2026-03-02T00:00:00Z") }), /previous snapshot is kept/);
      writeFileSync(join(www, "empty.stix2"), "");
      writeFileSync(join(www, "index.yaml"), index(base, ["empty.stix2"]));
      await assert.rejects(updateIndicators({ indexUrl: `${base}/index.yaml`, now: new Date("2026-03-03T00:00:00Z") }), /empty download/);
      await assert.rejects(updateIndicators({ indexUrl: `${base}/nope.yaml` }), /HTTP 404/);
      assert.equal(listCachedSnapshots().length, 1);
      assert.equal(defaultIndicatorPaths().dir, r.dir);
      assert.deepEqual(readdirSync(join(home, "iocs")).filter((n) => n.startsWith(".")), [], "no partial folders left");
    } finally {
      server.close();
      rmSync(www, { recursive: true, force: true });
    }
  });
});

test("update: an unreachable server fails with a one-line reason", async () => {
  await withHome(async () => {
    const { server, base } = await serve(mkdtempSync(join(tmpdir(), "vigil-www-")));
    server.close();
    await assert.rejects(updateIndicators({ indexUrl: `${base}/index.yaml`, timeoutMs: 3000 }), (e: Error) => /cannot be downloaded/.test(e.message) && !e.message.includes("\n"));
  });
});

test("import: copies a folder into a new snapshot after validating it; invalid folders import nothing", async () => {
  await withHome(async (home) => {
    const src = mkdtempSync(join(tmpdir(), "vigil-import-"));
    try {
      mkdirSync(join(src, "nso"));
      writeFileSync(join(src, "nso/pegasus.stix2"), STIX);
      writeFileSync(join(src, "nso/processes.txt"), "bh\n");
      writeFileSync(join(src, "rules.yar"), "rule x {}");
      writeFileSync(join(src, "tlv.csv"), "Group ID,Group name\n1,x\n");
      const r = importIndicators(src, { now: new Date("2026-04-01T00:00:00Z") });
      assert.equal(r.files, 4, "files of other formats are copied along, with a warning");
      assert.ok(r.warnings.some((w) => /tlv\.csv/.test(w)));
      assert.equal(r.indicators, 2);
      assert.ok(r.warnings.some((w) => /YARA/.test(w)));
      assert.ok(existsSync(join(r.dir, "nso/pegasus.stix2")));
      assert.equal(defaultIndicatorPaths().dir, r.dir);
      const m = loadIndicators([r.dir]).matcher;
      assert.equal(m.process("bh").length, 1);

      writeFileSync(join(src, "nso/broken.stix2"), "{");
      assert.throws(() => importIndicators(src), /not valid indicator files.*broken\.stix2/);
      const empty = mkdtempSync(join(tmpdir(), "vigil-import-"));
      assert.throws(() => importIndicators(empty), /no indicator file/);
      assert.throws(() => importIndicators(join(empty, "nope")), /no such folder/);
      rmSync(empty, { recursive: true });
      assert.equal(listCachedSnapshots().length, 1);
      assert.ok(readdirSync(join(home, "iocs")).every((n) => !n.startsWith(".")));
    } finally {
      rmSync(src, { recursive: true, force: true });
    }
  });
});

test("import: a symbolic link loop or a dangling link is skipped with a warning; a file over 2 GiB is refused by its size", async () => {
  await withHome(async () => {
    const src = mkdtempSync(join(tmpdir(), "vigil-import-links-"));
    try {
      mkdirSync(join(src, "nso"));
      writeFileSync(join(src, "nso/processes.txt"), "bh\n");
      symlinkSync("..", join(src, "nso/loop"));
      symlinkSync(join(src, "nowhere"), join(src, "dangling.txt"));
      const r = importIndicators(src, { now: new Date("2026-04-01T00:00:00Z") });
      assert.equal(r.indicators, 1);
      assert.ok(r.warnings.some((w) => /nso\/loop: symbolic link to a folder: not followed$/.test(w)), r.warnings.join("\n"));
      assert.ok(r.warnings.some((w) => /dangling\.txt: cannot be read \(ENOENT\)$/.test(w)));
      writeFileSync(join(src, "big.txt"), "");
      truncateSync(join(src, "big.txt"), 2 ** 31 + 1); // sparse: no disk used
      assert.throws(() => importIndicators(src), (e: unknown) => e instanceof VigilError && /big\.txt: too large \(2147483649 bytes\)/.test(e.message));
    } finally {
      rmSync(src, { recursive: true, force: true });
    }
  });
});
