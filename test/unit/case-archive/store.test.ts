// One test suite for both case archive back-ends: embedded SQLite, and PostgreSQL on a private
// server started by test/helpers/postgres.ts (reported skipped, with the reason, where no
// PostgreSQL binaries are installed).
import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { join } from "node:path";
import { PostgresArchive, redactUrl } from "../../../src/case-archive/postgres.ts";
import { SqliteArchive } from "../../../src/case-archive/sqlite.ts";
import type { ArchivedDetection, CaseArchive, Hit, Sighting } from "../../../src/case-archive/store.ts";
import { testDir } from "../../helpers/archive-builder.ts";
import { pgUnavailable, startPostgres, type TestPostgres } from "../../helpers/postgres.ts";

const NOW = "2024-05-01T10:00:00.000Z";
const s = (kind: string, value: string, module: string, field: string, first?: string, last = first, count = 1): Sighting => ({ kind, value, module, field, first_seen: first, last_seen: last, count });
const det = (caseId: string, acq: string, title: string): ArchivedDetection => ({ case_id: caseId, acq, source: "check", module: "sms", grade: "medium", kind: "indicator", title, matched: "evil.example", indicator_value: "evil.example", indicator_type: "domain", ioc_set: "Pegasus" });

async function fill(a: CaseArchive): Promise<void> {
  await a.putCase({ id: "case-a", name: "Ana", folder: "/cases/ana", created: NOW, updated: NOW });
  await a.putCase({ id: "case-b", name: "Ben", folder: "/cases/ben", created: NOW, updated: NOW });
  await a.putAcquisition({ case_id: "case-a", acq: "01-ios_backup", kind: "ios_backup", input: "/in/a", added: NOW }, [det("case-a", "01-ios_backup", "Known domain")]);
  await a.putAcquisition({ case_id: "case-a", acq: "02-ios_sysdiagnose", kind: "ios_sysdiagnose", input: "/in/a2", added: NOW }, []);
  await a.putAcquisition({ case_id: "case-b", acq: "01-androidqf", kind: "androidqf", input: "/in/b", added: NOW }, []);
  await a.addSightings("case-a", "01-ios_backup", [
    s("text", "https://cdn.evil.example/x?id=1", "sms", "text", "2024-01-01T00:00:00.000Z"),
    s("domain", "evil.example", "safari_history", "host", "2024-01-02T00:00:00.000Z"),
    s("process", "bh", "datausage", "proc_name", "2024-01-03T00:00:00.000Z"),
    s("email", "op@evil.example", "calls", "number"),
  ]);
  // The same value again, in a later batch: counts add up, times widen.
  await a.addSightings("case-a", "01-ios_backup", [s("process", "bh", "datausage", "proc_name", "2023-12-31T00:00:00.000Z", "2024-02-01T00:00:00.000Z", 4)]);
  await a.addSightings("case-a", "02-ios_sysdiagnose", [s("process", "bh", "sysdiagnose_processes", "process_name"), s("ip", "203.0.113.5", "netstat", "remote_ip")]);
  await a.addSightings("case-b", "01-androidqf", [s("domain", "www.evil.example", "intrusion_dns", "hostname", "2024-03-01T00:00:00.000Z"), s("domain", "notevil.example", "intrusion_dns", "hostname"), s("app_id", "com.spy.app", "packages", "package_name")]);
}

function archiveSuite(name: string, open: () => Promise<CaseArchive>, skip?: string): void {
  describe(`case archive (${name})`, { skip }, () => {
    let a: CaseArchive;
    before(async () => {
      a = await open();
      await fill(a);
    });
    after(async () => a?.close());

    test("lists its cases with their acquisitions, values, detections and retro-hunt matches", async () => {
      const cases = await a.cases();
      assert.deepEqual(cases.map((c) => c.id).sort(), ["case-a", "case-b"]);
      const ana = cases.find((c) => c.id === "case-a")!;
      assert.equal(ana.acquisitions, 2);
      assert.equal(ana.values, 6);
      assert.equal(ana.detections, 1);
      assert.equal(ana.hits, 0);
      assert.equal(ana.folder, "/cases/ana");
    });

    test("a hunt for a domain finds it, its subdomains and URLs on it, in every case", async () => {
      const seen = await a.hunt(["EVIL.example"]);
      const where = seen.map((x) => `${x.case_id}/${x.acq}/${x.module}:${x.value}`).sort();
      assert.deepEqual(where, ["case-a/01-ios_backup/safari_history:evil.example", "case-a/01-ios_backup/sms:https://cdn.evil.example/x?id=1", "case-b/01-androidqf/intrusion_dns:www.evil.example"]);
      assert.equal((await a.hunt(["notevil.example"])).length, 1);
      assert.equal((await a.hunt(["vil.example"])).length, 0);
    });

    test("a hunt for a process, an address, an e-mail or an app id finds each place it was seen, with times and counts", async () => {
      const bh = (await a.hunt(["bh"])).sort((x, y) => x.acq.localeCompare(y.acq));
      assert.equal(bh.length, 2);
      assert.equal(bh[0].case_name, "Ana");
      assert.equal(bh[0].acq_kind, "ios_backup");
      assert.equal(bh[0].count, 5);
      assert.equal(bh[0].first_seen, "2023-12-31T00:00:00.000Z");
      assert.equal(bh[0].last_seen, "2024-02-01T00:00:00.000Z");
      assert.equal(bh[1].first_seen, undefined);
      assert.equal((await a.hunt(["203.0.113.5"])).length, 1);
      assert.equal((await a.hunt(["OP@evil.example"])).length, 1);
      assert.equal((await a.hunt(["com.spy.app", "nothing-here"])).length, 1);
      assert.deepEqual(await a.hunt(["unknown.example"]), []);
    });

    test("gives every distinct value in batches, or one acquisition's, and where each was seen", async () => {
      const all: string[] = [];
      await a.eachValue((b) => all.push(...b.map((v) => `${v.kind}:${v.value}`)));
      assert.equal(all.length, new Set(all).size);
      assert.equal(all.length, 8);
      const one: { id: number; value: string }[] = [];
      await a.eachValue((b) => one.push(...b), { caseId: "case-a", acq: "02-ios_sysdiagnose" });
      assert.deepEqual(one.map((v) => v.value).sort(), ["203.0.113.5", "bh"]);
      const bhId = one.find((v) => v.value === "bh")!.id;
      assert.equal((await a.sightingsOf([bhId])).length, 2);
      assert.equal((await a.sightingsOf([bhId], { caseId: "case-a", acq: "02-ios_sysdiagnose" })).length, 1);
    });

    test("records a hit once: the second time it is not new", async () => {
      const [seen] = await a.hunt(["com.spy.app"]);
      const hit: Hit = { case_id: "case-b", acq: "01-androidqf", value_id: seen.value_id, module: seen.module, field: seen.field, indicator_type: "app_id", indicator_value: "com.spy.app", ioc_sha256: "ab".repeat(32), ioc_set: "Stalkerware", ioc_source: "ioc.yaml", grade: "strong", found: NOW };
      assert.equal((await a.recordHits([hit])).length, 1);
      assert.equal((await a.recordHits([hit])).length, 0);
      // The same match from another indicator file is new.
      assert.equal((await a.recordHits([{ ...hit, ioc_sha256: "cd".repeat(32) }])).length, 1);
      assert.equal((await a.cases()).find((c) => c.id === "case-b")!.hits, 2);
    });

    test("archiving an acquisition again replaces what the archive held for it", async () => {
      await a.putAcquisition({ case_id: "case-b", acq: "01-androidqf", kind: "androidqf", input: "/in/b", added: NOW }, []);
      await a.addSightings("case-b", "01-androidqf", [s("domain", "other.example", "intrusion_dns", "hostname")]);
      const ben = (await a.cases()).find((c) => c.id === "case-b")!;
      assert.equal(ben.values, 1);
      assert.equal(ben.hits, 0);
      assert.equal((await a.hunt(["com.spy.app"])).length, 0);
      assert.equal(await a.hasAcquisition("case-b", "01-androidqf"), true);
      assert.equal(await a.hasAcquisition("case-b", "02-ios_fs"), false);
    });

    test("a case's correlated detections are replaced as a whole and do not count as an acquisition", async () => {
      await a.putCorrelations("case-a", [{ ...det("case-a", "case", "Crash after a message"), source: "correlation", rule_id: "CASE-DELIVERY-CRASH-01" }, { ...det("case-a", "case", "second"), source: "correlation" }]);
      await a.putCorrelations("case-a", [{ ...det("case-a", "case", "Crash after a message"), source: "correlation" }]);
      const ana = (await a.cases()).find((c) => c.id === "case-a")!;
      assert.equal(ana.acquisitions, 2);
      assert.equal(ana.detections, 2);
    });
  });
}

archiveSuite("SQLite", async () => new SqliteArchive(join(testDir("vigil-archive"), "cases.sqlite")));

let pg: TestPostgres | undefined;
const skip = pgUnavailable();
describe("PostgreSQL server", { skip }, () => {
  before(async () => {
    pg = await startPostgres();
  });
  after(async () => pg?.stop());
  archiveSuite("PostgreSQL", async () => PostgresArchive.open(await pg!.newDatabase("suite")));

  test("the archive's location never shows the password", async () => {
    const a = await PostgresArchive.open(pg!.url);
    try {
      assert.ok(!a.location.includes(pg!.password));
      assert.match(a.location, /postgres:\/\/vigil:\*\*\*@127\.0\.0\.1:\d+\/vigil/);
    } finally {
      await a.close();
    }
  });

  test("a wrong password is a one-line error naming the archive without the password", async () => {
    const bad = pg!.url.replace(pg!.password, "wrong-password");
    await assert.rejects(PostgresArchive.open(bad), (e: Error) => {
      assert.match(e.message, /cannot open the case archive/);
      assert.ok(!String((e as { file?: string }).file).includes("wrong-password"));
      return true;
    });
  });
});

test("redactUrl hides a password and keeps the rest", () => {
  assert.equal(redactUrl("postgres://me:secret@db.example:5432/vigil"), "postgres://me:***@db.example:5432/vigil");
  assert.equal(redactUrl("postgresql://db.example/vigil"), "postgresql://db.example/vigil");
});
