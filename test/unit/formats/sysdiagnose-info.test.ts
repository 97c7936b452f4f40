// The small sysdiagnose files that describe the device: MobileActivation's request log and the
// archive name sysdiagnose.log gives, read in one forward pass however damaged.
import assert from "node:assert/strict";
import { test } from "node:test";
import { parseActivationRequest, sysdiagnoseArchiveIn } from "../../../src/formats/sysdiagnose-info.ts";
import { withinCpu } from "../../helpers/cpu-bound.ts";

test("the activation request's JSON body: the first BODY block that ends a line", () => {
  const body = { "serial-number": "F00", productType: "iPhone14,2", "os-build": "19A346" };
  assert.deepEqual(parseActivationRequest(`POST /deviceActivation\nBODY:   ${JSON.stringify(body, null, 2)}\nEND\n`), body);
  assert.deepEqual(parseActivationRequest(`BODY: {"a":{"b":1}}`), { a: { b: 1 } });
  // A "}" inside the body that a blank line follows does not end it.
  assert.deepEqual(parseActivationRequest('BODY: {"a":{"b":1}\n  ,"c":2}\nEND'), { a: { b: 1 }, c: 2 });
  assert.equal(parseActivationRequest("BODY:{} no blank after the colon"), undefined);
  assert.equal(parseActivationRequest("BODY: [1, 2]\n"), undefined);
  assert.equal(parseActivationRequest('BODY: {"cut": '), undefined);
});

test("a damaged activation log repeating an unclosed BODY is read in linear time (fuzz sysdiagnose_info-activation #3035)", async () => {
  // 2 MB of `BODY: {"Pr` lines: the expression scanned the rest of the file from each one.
  const text = 'BODY: {"a":1}x' + 'BODY: {"Pr\r'.repeat(200_000);
  assert.equal(await withinCpu(5, "200,000 unclosed BODY lines", () => parseActivationRequest(text)), undefined);
});

test("the sysdiagnose archive name in sysdiagnose.log, and a long word of repeated names in linear time", async () => {
  assert.equal(sysdiagnoseArchiveIn("output: /var/mobile/Library/Logs/CrashReporter/DiagnosticLogs/sysdiagnose/sysdiagnose_2024.01.02_03-04-05+0100_iPhone-OS_iPhone_21C66.tar.gz\n"), "sysdiagnose_2024.01.02_03-04-05+0100_iPhone-OS_iPhone_21C66.tar.gz");
  assert.equal(sysdiagnoseArchiveIn("sysdiagnose_a b.tar.gz sysdiagnose_.tar.gz sysdiagnose_c.tar.gz"), "sysdiagnose_c.tar.gz");
  assert.equal(sysdiagnoseArchiveIn("sysdiagnose_x.tar"), undefined);
  const word = "sysdiagnose_".repeat(100_000) + " x.tar.gz";
  assert.equal(await withinCpu(5, "a 1.2 MB word of sysdiagnose_", () => sysdiagnoseArchiveIn(word)), undefined);
});
