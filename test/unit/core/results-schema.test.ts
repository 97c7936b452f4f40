import assert from "node:assert/strict";
import { test } from "node:test";
import { VigilError } from "../../../src/core/errors.ts";
import { ALERTS_FILE, COVERAGE_FILE, INFO_FILE, validateResults } from "../../../src/core/results-schema.ts";

const message = (f: () => unknown) => {
  try {
    f();
  } catch (e) {
    assert.ok(e instanceof VigilError);
    return e.oneLine();
  }
  assert.fail("expected a VigilError");
};

test("a results file of another shape is named, with where and what was expected", () => {
  assert.equal(message(() => validateResults("/r/coverage.json", { a: 1 }, COVERAGE_FILE)), "/r/coverage.json: not a list of coverage entries (module, title, status): expected Array, found Object");
  assert.equal(
    message(() => validateResults("/r/coverage.json", [{ module: "sms", title: "SMS", status: "checked" }, { module: "x", title: "X", status: "done" }], COVERAGE_FILE)),
    '/r/coverage.json: not a list of coverage entries (module, title, status): [1].status: expected ("checked" | "absent" | "failed" | "not_applicable"), found "done"',
  );
  assert.equal(
    message(() => validateResults("/r/alerts.json", [{}], ALERTS_FILE)),
    "/r/alerts.json: not a list of detections (module, grade, kind, title, matched, artifact) and informational entries: [0].kind: missing",
  );
  assert.equal(
    message(() => validateResults("/r/alerts.json", [{ kind: "indicator" }], ALERTS_FILE)),
    "/r/alerts.json: not a list of detections (module, grade, kind, title, matched, artifact) and informational entries: [0].module: missing",
  );
  assert.match(message(() => validateResults("/r/info.json", { version: "1" }, INFO_FILE)), /^\/r\/info\.json: not Vigil's run information .*: tool: missing$/);
});

test("valid files pass as they are, extra fields kept", () => {
  const cov = [{ module: "sms", title: "SMS", status: "failed", reason: "x", newer_field: 1 }];
  assert.equal(validateResults("/r/coverage.json", cov, COVERAGE_FILE), cov);
  const alerts = [{ module: "sms", grade: "weak", kind: "indicator", title: "t", matched: "m", artifact: "a", record: { deep: [[[1]]] } }];
  assert.equal(validateResults("/r/alerts.json", alerts, ALERTS_FILE), alerts);
});

test("the run information of every platform's check reads, a network capture's included", () => {
  const info = (platform: string) => ({
    tool: "vigil",
    version: "0.1.0",
    command: ["check-network", "capture"],
    started: "2026-01-01T00:00:00.000Z",
    acquisition: { kind: "network", path: "/c", encrypted: false },
    device: { platform },
    inputs: [],
    iocs: { sets: [], errors: [] },
  });
  for (const platform of ["ios", "android", "network"]) assert.equal(validateResults("/r/info.json", info(platform), INFO_FILE).device?.platform, platform);
  assert.match(message(() => validateResults("/r/info.json", info("windows"), INFO_FILE)), /device\.platform: expected \("ios" \| "android" \| "network"\), found "windows"$/);
});
