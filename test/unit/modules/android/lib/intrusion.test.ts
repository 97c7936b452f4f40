// A malformed line of an intrusion log is evidence that was not checked: the module is incomplete
// (failed, with the count), the check exits 20 when nothing else is found.
import assert from "node:assert/strict";
import { mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";
import { memoryView } from "../../../../../src/acquisitions/memory.ts";
import { matcherFromValues } from "../../../../../src/indicators/matcher.ts";
import intrusionConnections from "../../../../../src/modules/android/intrusion-connections.ts";
import intrusionDns from "../../../../../src/modules/android/intrusion-dns.ts";
import intrusionSecurity from "../../../../../src/modules/android/intrusion-security.ts";
import { collectModule } from "../../../../../src/pipeline/run-modules.ts";
import { runVigil } from "../../../../helpers/evidence.ts";

const GOOD = [
  '{"dnsEvent":{"hostname":"www.example.org","ips":["/192.0.2.1"],"time":1700000001000}}',
  '{"connectEvent":{"ip":"/192.0.2.1","port":443,"time":1700000003000}}',
  '{"securityEvent":{"tag":210005,"time":1700000005000000000,"data":["com.example",1700000005000,10200,1234,"abc"]}}',
];
const BROKEN = ['{"dnsEvent":{"hostname":"c2.evil.co', "[1, 2]", '{"what":"no kind of event"}'];
const view = (text: string) => memoryView({ kind: "android_intrusion_logs", platform: "android", files: [{ path: "logs/intrusion.jsonl", data: text }] });

test("each module reading the log counts the lines it could not read, and is incomplete", async () => {
  const text = [GOOD[0], BROKEN[0], GOOD[1], BROKEN[1], GOOD[2], BROKEN[2], ""].join("\n");
  for (const mod of [intrusionDns, intrusionConnections, intrusionSecurity]) {
    const r = await collectModule(mod, view(text), matcherFromValues({}, "none"));
    assert.equal(r.records.length, 1, mod.name);
    assert.equal(r.coverage.status, "failed", mod.name);
    assert.equal(r.coverage.skipped, 3, mod.name);
    assert.equal(r.coverage.records, 1, mod.name);
    assert.equal(r.coverage.reason, "3 records could not be read and were not checked (first: logs/intrusion.jsonl: line 2: not valid JSON); 1 checked");
  }
});

test("a log without a bad line is complete; blank lines are not records", async () => {
  const r = await collectModule(intrusionDns, view(["", ...GOOD, "", ""].join("\n")), matcherFromValues({}, "none"));
  assert.equal(r.coverage.status, "checked");
  assert.equal(r.coverage.skipped, undefined);
});

test("vigil check-intrusion-logs on a log with a malformed line exits 20 and says what was skipped", async () => {
  const tmp = mkdtempSync(join(tmpdir(), "vigil-intrusion-skip-"));
  mkdirSync(join(tmp, "logs"));
  writeFileSync(join(tmp, "logs", "intrusion.jsonl"), [GOOD[0], BROKEN[0], GOOD[1]].join("\n") + "\n");
  const iocs = join(tmp, "domains.txt");
  writeFileSync(iocs, "evil.example\n");
  const r = await runVigil(["check-intrusion-logs", join(tmp, "logs"), "--iocs", iocs, "--output", join(tmp, "out"), "--json", "--no-report"]);
  assert.equal(r.status, 20, r.stderr);
  const summary = JSON.parse(r.stdout) as { incomplete: boolean; notChecked: { module: string; reason: string }[] };
  assert.equal(summary.incomplete, true);
  assert.deepEqual(
    summary.notChecked.map((n) => n.module),
    ["intrusion_dns", "intrusion_connections", "intrusion_security_events"],
  );
  assert.match(summary.notChecked[0].reason, /^1 record could not be read and was not checked \(first: .*intrusion\.jsonl: line 2: not valid JSON\); 1 checked$/);
});
