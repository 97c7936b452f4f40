import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, writeFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Command } from "commander";
import { register } from "../../../src/cli/iocs.ts";

async function run(args: string[]): Promise<{ out: string; code: number | undefined }> {
  const program = new Command().exitOverride();
  register(program);
  let out = "";
  const write = process.stdout.write.bind(process.stdout);
  const prevCode = process.exitCode;
  process.stdout.write = ((chunk: string | Uint8Array) => {
    out += String(chunk);
    return true;
  }) as typeof process.stdout.write;
  try {
    await program.parseAsync(["node", "vigil", ...args]);
  } finally {
    process.stdout.write = write;
  }
  const code = process.exitCode as number | undefined;
  process.exitCode = prevCode;
  return { out, code };
}

test("vigil iocs list: sets, counts by kind, provenance and problems, as text and JSON", async () => {
  const dir = mkdtempSync(join(tmpdir(), "vigil-list-"));
  try {
    writeFileSync(join(dir, "pegasus.stix2"), JSON.stringify({
      type: "bundle",
      id: "bundle--1",
      objects: [
        { type: "malware", id: "malware--1", name: "Pegasus" },
        { type: "indicator", id: "indicator--1", pattern: "[process:name = 'bh' OR domain-name:value = 'evil.com']" },
        { type: "indicator", id: "indicator--2", pattern: "[domain-name:value = 'x' AND process:name = 'y']" },
        { type: "relationship", id: "r1", relationship_type: "indicates", source_ref: "indicator--1", target_ref: "malware--1" },
      ],
    }));
    writeFileSync(join(dir, "rules.yar"), "rule x {}");
    const text = await run(["iocs", "list", "--iocs", dir]);
    assert.equal(text.code, 0);
    assert.match(text.out, /Pegasus\n\s+pegasus\.stix2 +\(sha256 [0-9a-f]{16}\.\.\.\)\n\s+1 domain, 1 process/);
    assert.match(text.out, /Problems \(1;.*\n.*indicator--2.*AND/);
    assert.match(text.out, /Not read \(1\):\n.*rules\.yar: skipped: YARA/);
    const json = JSON.parse((await run(["iocs", "list", "--iocs", dir, "--json"])).out);
    assert.equal(json.sets[0].name, "Pegasus");
    assert.deepEqual(json.sets[0].counts, { process: 1, domain: 1 });
    assert.equal(json.sets[0].sha256.length, 64);
    assert.deepEqual(json.distinctIndicators, { domain: 1, process: 1 });
    assert.equal(json.problems.length, 2);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test("vigil iocs import: a bad folder is a one-line error and exit code 2", async () => {
  const home = mkdtempSync(join(tmpdir(), "vigil-home-"));
  const prev = process.env.VIGIL_HOME;
  process.env.VIGIL_HOME = home;
  const errWrite = process.stderr.write.bind(process.stderr);
  let err = "";
  process.stderr.write = ((c: string | Uint8Array) => {
    err += String(c);
    return true;
  }) as typeof process.stderr.write;
  try {
    const r = await run(["iocs", "import", join(home, "missing")]);
    assert.equal(r.code, 2);
    assert.match(err, /^vigil: error: .*missing: no such folder\n$/);
  } finally {
    process.stderr.write = errWrite;
    if (prev === undefined) delete process.env.VIGIL_HOME;
    else process.env.VIGIL_HOME = prev;
    rmSync(home, { recursive: true, force: true });
  }
});
