// Secrets are never written anywhere: a check of a password-protected acquisition, with the
// password given each way (option, environment, key file, prompt; age passphrase and identity),
// leaves no trace of the password, the derived key or the age identity in any output file, on
// stdout or stderr; and other users' `ps` shows "***" in place of a password given as an option,
// for the launcher and for the child it starts.
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { execFileSync } from "node:child_process";
import { mkdirSync, readdirSync, readFileSync } from "node:fs";
import { open } from "node:fs/promises";
import { join } from "node:path";
import { before, test } from "node:test";
import { deflateSync } from "node:zlib";
import { openIosBackup } from "../../../src/acquisitions/ios-backup/open.ts";
import { PASSWORD_ENV, secretChain } from "../../../src/cli/password.ts";
import { buildSyntheticBackup, DEMO_PLANTED, DEMO_SIZES } from "../../../src/demo/demo-backup.ts";
import { matcherFromValues } from "../../../src/indicators/matcher.ts";
import { runCheck } from "../../../src/pipeline/check.ts";
import { testDir, writeTemp } from "../../helpers/archive-builder.ts";
import { ageEncrypt, androidqfFiles, buildAb, newAgeIdentity, SMS_BACKUP_PATH, writeFolder, zipOf } from "../../helpers/android-builder.ts";
import { runVigil, VIGIL_BIN, type VigilRun } from "../../helpers/evidence.ts";

const PW = "Sekr1t-Pa55-zq7";
const dir = testDir("vigil-secrets");
const iocs = join(dir, "iocs");
let iosBackup: string;
let derivedKeyHex: string;
let keyFile: string;

before(async () => {
  writeFolder(iocs, { "processes.txt": "bh\n", "domains.txt": "evil-c2.example\nfree247downloads.com\n" });
  const built = await buildSyntheticBackup(join(dir, "ios"), DEMO_SIZES, { planted: DEMO_PLANTED, encrypted: { password: PW } });
  iosBackup = built.dir;
  derivedKeyHex = built.derivedKeyHex!;
  keyFile = writeTemp(dir, "backup.key", Buffer.from(derivedKeyHex + "\n"));
});

/** Every file under `root`, as text. */
function filesUnder(root: string): { path: string; text: string }[] {
  return readdirSync(root, { recursive: true, withFileTypes: true })
    .filter((d) => d.isFile())
    .map((d) => ({ path: join(d.parentPath, d.name), text: readFileSync(join(d.parentPath, d.name), "latin1") }));
}

/** Asserts that no output file, nor stdout or stderr, holds any of the secrets (case-insensitively). */
function assertNoSecret(out: string, run: VigilRun | undefined, secrets: string[]): void {
  const files = filesUnder(out);
  assert.ok(files.some((f) => f.path.endsWith("info.json")) && files.some((f) => f.path.endsWith("report.html")), "the check wrote its results");
  const places = [...files, ...(run ? [{ path: "stdout", text: run.stdout }, { path: "stderr", text: run.stderr }] : [])];
  for (const s of secrets) {
    const hits = places.filter((p) => p.text.toLowerCase().includes(s.toLowerCase())).map((p) => p.path);
    assert.deepEqual(hits, [], `${s} written to`);
  }
}

const vigil = (args: string[], env: Record<string, string> = {}) => runVigil([...args, "--iocs", iocs, "--quiet"], env);

test("iPhone backup: password as an option, in the environment, and as a key file", async () => {
  const ways: [string, string[], Record<string, string>][] = [
    ["option", ["--password", PW], {}],
    ["option=", [`--password=${PW}`], {}],
    ["short option", ["-p", PW], {}],
    ["environment", [], { [PASSWORD_ENV]: PW }],
    ["key file", ["--key-file", keyFile], {}],
  ];
  for (const [how, args, env] of ways) {
    const out = join(dir, `out-ios-${how.replace(/\W/g, "_")}`);
    const r = await vigil(["check-backup", iosBackup, ...args, "-o", out], env);
    assert.equal(r.status, 10, `${how}: ${r.stderr}`);
    assertNoSecret(out, r, [PW, derivedKeyHex]);
    const info = JSON.parse(readFileSync(join(out, "info.json"), "utf8")) as { command: string[]; acquisition: { encrypted: boolean } };
    assert.equal(info.acquisition.encrypted, true);
    if (how.startsWith("option") || how === "short option") assert.ok(info.command.some((a) => a.includes("***")), info.command.join(" "));
  }
});

test("iPhone backup: password typed at the prompt", async () => {
  const out = join(dir, "out-ios-prompt");
  const asked: string[] = [];
  const write = process.stdout.write;
  let stdout = "";
  // Recorded and passed on: the test runner's own report goes through stdout too.
  process.stdout.write = ((s: string, ...rest: never[]) => ((stdout += s), write.call(process.stdout, s, ...rest))) as typeof process.stdout.write;
  try {
    const getPassword = secretChain(undefined, "VIGIL_TEST_NO_SUCH_VARIABLE", "Backup password: ", async (q) => (asked.push(q), PW));
    const r = await runCheck("ios_backup", iosBackup, () => openIosBackup(iosBackup, { getPassword }), { output: out, quiet: true, iocs: [iocs], jobs: "1" });
    assert.equal(r.exitCode, 10);
  } finally {
    process.stdout.write = write;
  }
  assert.deepEqual(asked, ["Backup password: "]);
  assertNoSecret(out, { status: 10, stdout, stderr: "" }, [PW, derivedKeyHex]);
});

test("Android backup (.ab): password as an option and in the environment", async () => {
  const sms = deflateSync(Buffer.from(JSON.stringify([{ address: "+15550001", body: "open https://evil-c2.example/x", date: "1700000000000", type: "1", read: "1" }])));
  const ab = writeTemp(dir, "enc.ab", await buildAb([{ name: SMS_BACKUP_PATH, data: sms }], { password: PW }));
  for (const [how, args, env] of [
    ["option", ["--password", PW], {}],
    ["environment", [], { [PASSWORD_ENV]: PW }],
  ] as [string, string[], Record<string, string>][]) {
    const out = join(dir, `out-ab-${how}`);
    const r = await vigil(["check-backup", ab, ...args, "-o", out], env);
    assert.equal(r.status, 10, `${how}: ${r.stderr}`);
    assertNoSecret(out, r, [PW]);
  }
});

test("age-encrypted androidqf bundle with an encrypted backup.ab inside: passphrase, identity file and backup password each way", async () => {
  const sms = deflateSync(Buffer.from(JSON.stringify([{ address: "+15550001", body: "open https://evil-c2.example/x", date: "1700000000000", type: "1", read: "1" }])));
  const ABPW = "Ab-Pa55word-91x";
  const bundle = zipOf(androidqfFiles({ "backup.ab": await buildAb([{ name: SMS_BACKUP_PATH, data: sms }], { password: ABPW }) }));
  const withPassphrase = writeTemp(dir, "aqf.zip.age", await ageEncrypt(bundle, { passphrase: PW }));
  const identity = await newAgeIdentity();
  const withIdentity = writeTemp(dir, "aqf-id.zip.age", await ageEncrypt(bundle, { identity }));
  const idFile = writeTemp(dir, "age-identity.txt", Buffer.from(`# created: now\n${identity}\n`));
  const ways: [string, string[], Record<string, string>][] = [
    ["options", [withPassphrase, "--passphrase", PW, "--backup-password", ABPW], {}],
    ["environment", [withPassphrase], { VIGIL_AGE_PASSPHRASE: PW, [PASSWORD_ENV]: ABPW }],
    ["identity", [withIdentity, "--identity", idFile, `--backup-password=${ABPW}`], {}],
  ];
  for (const [how, args, env] of ways) {
    const out = join(dir, `out-aqf-${how}`);
    const r = await vigil(["check-androidqf", ...args, "-o", out], env);
    assert.equal(r.status, 10, `${how}: ${r.stderr}`);
    // The nested backup was opened with its password: its SMS module ran.
    const cov = JSON.parse(readFileSync(join(out, "coverage.json"), "utf8")) as { module: string; status: string }[];
    assert.equal(cov.find((c) => c.module === "sms")?.status, "checked", JSON.stringify(cov));
    assertNoSecret(out, r, [PW, ABPW, identity]);
  }
});

/** Parent pid of a process, from /proc. */
function ppidOf(pid: number): number | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    return Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[1]);
  } catch {
    return undefined;
  }
}

test("ps shows *** in place of the password, for the launcher and for the check it starts", { skip: process.platform !== "linux" && "reads /proc" }, async () => {
  // The indicators are read from a FIFO: the check waits on it, so both processes are looked at
  // while the check runs, and the test lets it go on by writing the indicators.
  const fifoDir = join(dir, "fifo");
  mkdirSync(fifoDir);
  const fifo = join(fifoDir, "domains.txt");
  execFileSync("mkfifo", [fifo]);
  const out = join(dir, "out-ps");
  const launcher = spawn(process.execPath, [VIGIL_BIN, "check-backup", iosBackup, "--password", PW, "--iocs", fifo, "-o", out, "--quiet"], {
    env: { ...process.env, VIGIL_BACKUP_PASSWORD: "", VIGIL_DEFAULT_GC: "" },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let stderr = "";
  launcher.stderr.on("data", (d) => (stderr += d));
  const exited = new Promise<number | null>((res) => launcher.on("close", res));
  // Opening the FIFO for writing returns once the check opened it for reading.
  const writer = await open(fifo, "w");
  try {
    const children = readdirSync("/proc").filter((p) => /^\d+$/.test(p) && ppidOf(Number(p)) === launcher.pid);
    assert.equal(children.length, 1, "the launcher started one child");
    for (const pid of [String(launcher.pid), children[0]]) {
      const cmdline = readFileSync(`/proc/${pid}/cmdline`, "latin1").replace(/\0+/g, " ").trim();
      assert.ok(!cmdline.includes(PW), `${pid}: ${cmdline}`);
      assert.match(cmdline, /check-backup .* --password \*\*\*/);
      const ps = execFileSync("ps", ["-o", "args=", "-p", pid], { encoding: "utf8" });
      assert.ok(!ps.includes(PW), ps);
    }
  } finally {
    await writer.writeFile("free247downloads.com\n");
    await writer.close();
  }
  assert.equal(await exited, 10, stderr);
  assertNoSecret(out, undefined, [PW, derivedKeyHex]);
});
