// A check started the way `vigil app` starts it: an IPC channel and VIGIL_APP_CHANNEL=1. The
// password is asked over the channel only once the backup turns out to be encrypted (never on
// the command line or in the environment), progress comes as JSON lines with each module's
// start and end, and a "cancel" message ends the check with its temp folder removed.
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { existsSync, mkdirSync, readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { before, test } from "node:test";
import { APP_CHANNEL_ENV, type FromCommand, type ToCommand } from "../../../src/app/child-protocol.ts";
import { initCase, loadCase } from "../../../src/cases/case-folder.ts";
import { buildSyntheticBackup, DEMO_PLANTED } from "../../../src/demo/demo-backup.ts";
import type { ProgressStep } from "../../../src/pipeline/progress.ts";
import { testDir } from "../../helpers/archive-builder.ts";
import { VIGIL_BIN } from "../../helpers/evidence.ts";

const PASSWORD = "correct horse 🐎 battery";
let root: string;
let encrypted: string;
let big: string;

before(async () => {
  root = testDir("vigil-app-channel");
  encrypted = (await buildSyntheticBackup(join(root, "enc"), { sms: 5, smsLinkShare: 0.3, safariVisits: 5, processes: 5, whatsapp: 3, manifestFiles: 5 }, { planted: DEMO_PLANTED, encrypted: { password: PASSWORD } })).dir;
  big = (await buildSyntheticBackup(join(root, "big"), { sms: 20000, smsLinkShare: 0.3, safariVisits: 5000, processes: 200, whatsapp: 2000, manifestFiles: 200 }, {})).dir;
});

interface Run {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  lines: { progress: string; transient?: boolean; step?: ProgressStep }[];
  other: string[];
  asked: FromCommand[];
}

/** Runs `vigil ARGS` as the app does; `onLine` may answer with a message to the command. */
/** A reply to a command that has just exited (its last message was "failed") is lost, not an error of the test. */
const ignoreGone = () => {};

function runAsApp(args: string[], env: Record<string, string>, answer: (m: FromCommand) => ToCommand | undefined, onLine: (l: Run["lines"][number]) => ToCommand | undefined = () => undefined): Promise<Run> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ["--single-threaded-gc", VIGIL_BIN, ...args], {
      stdio: ["ignore", "pipe", "pipe", "ipc"],
      env: { ...process.env, VIGIL_BACKUP_PASSWORD: "", [APP_CHANNEL_ENV]: "1", ...env },
    });
    const run: Run = { code: null, signal: null, stdout: "", lines: [], other: [], asked: [] };
    let rest = "";
    child.stdout!.on("data", (d) => (run.stdout += d));
    child.stderr!.on("data", (d) => {
      rest += d;
      const parts = rest.split("\n");
      rest = parts.pop()!;
      for (const l of parts) {
        if (!l.startsWith("{")) {
          run.other.push(l);
          continue;
        }
        const parsed = JSON.parse(l) as Run["lines"][number];
        run.lines.push(parsed);
        const reply = onLine(parsed);
        if (reply && child.connected) child.send(reply, ignoreGone);
      }
    });
    child.on("message", (m: FromCommand) => {
      run.asked.push(m);
      const reply = answer(m);
      if (reply && child.connected) child.send(reply, ignoreGone);
    });
    child.on("error", reject);
    child.on("close", (code, signal) => resolve({ ...run, code, signal }));
  });
}

test("the password is asked over the channel once the backup is found encrypted; steps come as JSON", async () => {
  const out = join(root, "out-enc");
  const tmp = join(root, "tmp-enc");
  mkdirSync(tmp);
  const r = await runAsApp(["check", encrypted, "--json", "--progress", "json", "-o", out, "--jobs", "2"], { TMPDIR: tmp }, () => ({ type: "secret", value: PASSWORD }));
  assert.equal(r.code, 10, r.other.join("\n"));
  assert.deepEqual(r.asked, [{ type: "secret", secret: "password", question: "Backup password: " }]);
  assert.equal(JSON.parse(r.stdout).verdict, "traces_found");
  const ends = r.lines.filter((l) => l.step?.status);
  const total = ends[0].step!.total;
  // Every module ends once (run whole or in parts that each end).
  const ended = new Set(ends.filter((l) => !l.step!.part).map((l) => l.step!.module));
  assert.equal(ended.size + new Set(ends.filter((l) => l.step!.part).map((l) => l.step!.module)).size, total);
  const sms = ends.find((l) => l.step!.module === "sms")!.step!;
  assert.equal(sms.status, "checked");
  assert.ok(sms.records! > 0);
  assert.ok(r.lines.some((l) => l.step && !l.step.status && l.transient));
  for (const f of ["info.json", "summary.json", "report.html"]) assert.ok(!readFileSync(join(out, f), "utf8").includes(PASSWORD), f);
  assert.deepEqual(readdirSync(tmp), []);
});

test("no password given: a one-line error, no results", async () => {
  const out = join(root, "out-none");
  const r = await runAsApp(["check", encrypted, "--json", "--progress", "json", "-o", out], {}, () => ({ type: "secret", value: null }));
  assert.equal(r.code, 1);
  assert.match(r.other.join("\n"), /^vigil: error: .*password/m);
  // The app is told the error's kind too, so that its page can ask for the password again.
  const failed = r.asked.find((m) => m.type === "failed");
  assert.equal(failed?.type === "failed" && failed.code, "password");
  assert.match(failed?.type === "failed" ? failed.message : "", /password/);
});

/** Sends "cancel" once the first module has started. */
function cancelAtFirstStep(onCancel: () => void = () => {}): (l: Run["lines"][number]) => ToCommand | undefined {
  let sent = false;
  return (l) => {
    if (sent || !l.step) return undefined;
    sent = true;
    onCancel();
    return { type: "cancel" };
  };
}

test("cancel: the check stops at once as on SIGTERM; its results folder and temp folder go", async () => {
  const out = join(root, "out-cancel");
  const tmp = join(root, "tmp-cancel");
  mkdirSync(tmp);
  const r = await runAsApp(["check", big, "--json", "--progress", "json", "-o", out, "--jobs", "1"], { TMPDIR: tmp, SQLITE_USE_URI: "0" }, () => undefined, cancelAtFirstStep(() => {
    // SQLite copies live in the temp folder by now (SQLITE_USE_URI=0 copies every database).
    assert.notDeepEqual(readdirSync(tmp), []);
    assert.ok(existsSync(out));
  }));
  assert.equal(r.signal, "SIGTERM", r.other.join("\n"));
  assert.equal(r.stdout, "");
  assert.equal(existsSync(out), false, "the results folder the check made is removed");
  assert.deepEqual(readdirSync(tmp), []);
});

test("cancel a case add: no half-added acquisition, the case unlocked and as it was", async () => {
  const dir = join(root, "case-cancel");
  initCase(dir, "cancelled");
  const r = await runAsApp(["case", "add", dir, big, "--json", "--progress", "json"], {}, () => undefined, cancelAtFirstStep());
  assert.equal(r.signal, "SIGTERM", r.other.join("\n"));
  assert.deepEqual(loadCase(dir).info.acquisitions, []);
  assert.deepEqual(readdirSync(join(dir, "acquisitions")), []);
  assert.equal(existsSync(join(dir, "case.lock")), false);
});
