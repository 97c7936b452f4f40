import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { RuleSet } from "../../../src/rules/engine.ts";
import { iosRules } from "../../../src/rules/index.ts";
import { VigilError } from "../../../src/core/errors.ts";

const rules = iosRules();
const ids = (subject: string, rec: object, osVersion?: string) => rules.evaluate(subject, rec, { osVersion }).map((h) => h.rule.id);
const client = (path: string) => ({ pid: 12, client: path, delay: 1, times_delayed: 1 });

test("IOS-SHUTDOWN-01 flags a lingering process under /private/var/db/ and /private/var/tmp/", () => {
  assert.deepEqual(ids("shutdown_client", client("/private/var/db/com.apple.xpc.roleaccountd.staging/bh")), ["IOS-SHUTDOWN-01"]);
  assert.deepEqual(ids("shutdown_client", client("/private/var/tmp/x")), ["IOS-SHUTDOWN-01"]);
  const hit = rules.evaluate("shutdown_client", client("/private/var/root/agent"))[0];
  assert.equal(hit.rule.grade, "medium");
  assert.equal(hit.title, "Process from an unusual location still running at shutdown: /private/var/root/agent");
  assert.equal(hit.matched, "/private/var/root/agent");
});

test("IOS-SHUTDOWN-01/03 do not flag system daemons or installed apps", () => {
  for (const p of ["/usr/libexec/nfcd", "/System/Library/CoreServices/SpringBoard.app/SpringBoard", "/private/var/containers/Bundle/Application/1B2C/Foo.app/Foo", "/kernel", "/private/preboot/Cryptexes/OS/System/Library/x"]) {
    assert.deepEqual(ids("shutdown_client", client(p)), [], p);
  }
});

test("IOS-SHUTDOWN-03 flags a lingering process from a non-standard place (weak), not a /private/var/db one twice", () => {
  const h = rules.evaluate("shutdown_client", client("/private/var/mobile/Containers/Data/x/agent"));
  assert.deepEqual(h.map((x) => [x.rule.id, x.rule.grade]), [["IOS-SHUTDOWN-03", "weak"]]);
  assert.deepEqual(ids("shutdown_client", client("/private/var/db/x")), ["IOS-SHUTDOWN-01"]);
});

test("IOS-SHUTDOWN-02 flags a shutdown delayed 3+ times by a process outside the baseline", () => {
  const reboot = { notices: 3, clients: [client("/usr/libexec/nfcd"), client("/usr/libexec/unknownd")] };
  assert.deepEqual(ids("shutdown_reboot", reboot, "17.4"), ["IOS-SHUTDOWN-02"]);
  assert.equal(rules.evaluate("shutdown_reboot", reboot)[0].title, "Shutdown delayed 3 times by lingering processes");
});

test("IOS-SHUTDOWN-02 does not flag 2 delays, nor delays caused only by baseline daemons", () => {
  assert.deepEqual(ids("shutdown_reboot", { notices: 2, clients: [client("/usr/libexec/unknownd")] }), []);
  assert.deepEqual(ids("shutdown_reboot", { notices: 5, clients: [client("/usr/libexec/nfcd"), client("/kernel")] }, "26.1"), []);
});

test("baselines are per iOS version; an unknown version gets every version's entries", () => {
  assert.equal(rules.inBaseline("shutdown_clients", "/usr/libexec/intelligenceplatformd", { osVersion: "18.2" }), true);
  assert.equal(rules.inBaseline("shutdown_clients", "/usr/libexec/intelligenceplatformd", { osVersion: "16.7" }), false);
  assert.equal(rules.inBaseline("shutdown_clients", "/usr/libexec/intelligenceplatformd", {}), true);
  assert.equal(rules.inBaseline("shutdown_clients", "/usr/libexec/nfcd", { osVersion: "12.5" }), true);
});

test("IOS-CRASH-01 flags crashes of message-parsing processes", () => {
  assert.deepEqual(ids("crash_report", { bug_type: "309", process: "MessagesBlastDoorService" }), ["IOS-CRASH-01"]);
  assert.deepEqual(ids("crash_report", { bug_type: "109", process: "imagent" }), ["IOS-CRASH-01"]);
});

test("IOS-CRASH-01 ignores other processes and non-crash reports of message parsers", () => {
  assert.deepEqual(ids("crash_report", { bug_type: "309", process: "MobileSafari" }), []);
  assert.deepEqual(ids("crash_report", { bug_type: "298", process: "imagent" }), []);
});

test("IOS-PROC-01 flags a running binary in /private/var/tmp/ (medium); IOS-PROC-02 one elsewhere non-standard (weak)", () => {
  assert.deepEqual(ids("process", { path: "/private/var/tmp/agent" }), ["IOS-PROC-01"]);
  assert.deepEqual(ids("process", { path: "/private/var/mobile/Containers/Shared/agent" }), ["IOS-PROC-02"]);
});

test("IOS-PROC-01/02 do not flag system binaries, apps, or kernel threads without a path", () => {
  for (const p of ["/usr/sbin/mediaserverd", "/sbin/launchd", "/Applications/MobileSMS.app/MobileSMS", "/private/var/containers/Bundle/Application/X/My App.app/My App"]) assert.deepEqual(ids("process", { path: p }), [], p);
  assert.deepEqual(ids("process", { process_name: "kernel_task" }), []);
});

test("every rule is documented in docs/rules.md with its grade", () => {
  const doc = readFileSync(join(import.meta.dirname, "../../../docs/rules.md"), "utf8");
  for (const r of rules.rules) {
    assert.ok(doc.includes(r.id), `${r.id} missing from docs/rules.md`);
    assert.match(doc, new RegExp(`${r.id}[^\\n]*\\|\\s*${r.grade}\\s*\\|`), `${r.id} grade in docs`);
  }
});

test("rule files are validated: bad grade, unknown list, missing field", () => {
  const base = { id: "X-1", subject: "s", grade: "medium", description: "d", title: "t", why: "w", matched: "f", when: { field: "f", exists: true } };
  assert.ok(new RuleSet([{ rules: [base as never] }], {}).evaluate("s", { f: "v" }).length === 1);
  assert.throws(() => new RuleSet([{ rules: [{ ...base, grade: "high" } as never] }], {}, "r.yaml"), (e: unknown) => e instanceof VigilError && e.oneLine() === "r.yaml: rule X-1: grade must be strong, medium or weak");
  assert.throws(() => new RuleSet([{ rules: [{ ...base, when: { field: "f", starts_with: "@nope" } } as never] }], {}, "r.yaml"), /unknown list @nope/);
  assert.throws(() => new RuleSet([{ rules: [{ ...base, title: undefined } as never] }], {}, "r.yaml"), /lacks title/);
  assert.throws(() => new RuleSet([{ rules: [{ ...base, when: { field: "f" } } as never] }], {}, "r.yaml"), /has no condition/);
});
