// The case correlation over results folders read back: records whose times are damaged or
// crafted must not break the time order the correlator is fed in.
import assert from "node:assert/strict";
import { mkdirSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { after, test } from "node:test";
import type { AcquisitionResults } from "../../../src/cases/acquisition-results.ts";
import { correlateCase } from "../../../src/cases/correlate-case.ts";
import { isoMillis } from "../../../src/rules/case-events.ts";
import { shippedCorrelations } from "../../../src/rules/correlation.ts";
import { testDir } from "../../helpers/archive-builder.ts";

const tmp = testDir("vigil-correlate-case");
after(() => rmSync(tmp, { recursive: true, force: true }));

test("a record time of 9999-12-31T24:00:00Z (year 10000 for Date.parse) is no event time, and the others are still correlated", async () => {
  // Its ISO form "+010000-01-01T..." sorted before every other event: the correlator refused the
  // next one as out of order, with a plain Error that ended the case build.
  assert.ok(Number.isNaN(isoMillis("9999-12-31T24:00:00Z")));
  assert.equal(isoMillis("9999-12-31T23:59:59.999Z"), Date.UTC(9999, 11, 31, 23, 59, 59, 999));
  const dir = join(tmp, "a");
  mkdirSync(dir, { recursive: true });
  const sms = (isodate: string, phone_number: string) => ({ phone_number, direction: "received", service: "iMessage", isodate, text: "hi", links: [] });
  writeFileSync(join(dir, "sms.json"), JSON.stringify([sms("2024-03-10T12:00:00.000Z", "+33612345678"), sms("9999-12-31T24:00:00Z", "+33612345679")]));
  writeFileSync(join(dir, "crash_reports.json"), JSON.stringify([{ process: "imagent", bug_type: "309", timestamp: "2024-03-10T12:02:00.000Z" }]));
  const acq: AcquisitionResults = {
    acq: { id: "a", kind: "ios_backup", input: "/x", added: "2026-01-01T00:00:00.000Z", results: "acquisitions/a" } as AcquisitionResults["acq"],
    dir,
    coverage: [
      { module: "sms", title: "SMS", status: "checked" },
      { module: "crash_reports", title: "Crash reports", status: "checked" },
    ],
    detections: [],
  };
  const r = await correlateCase([acq], shippedCorrelations());
  assert.equal(r.stats.events, 2);
  assert.equal(r.detections.filter((d) => d.rule?.id === "CASE-DELIVERY-CRASH-01").length, 1);
});
