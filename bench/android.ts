// Benchmark of the Android openers and modules on generated acquisitions:
// - a bugreport zip whose main file has ~200k lines (system properties, a "dumpsys package"
//   section with thousands of packages, appops, batterystats, a long system log) and tombstones;
// - an androidqf bundle (folder) with the same dumpsys, a big ps.txt, files.json and
//   packages.json, and a nested backup.ab (AES-256, deflated) holding 100k SMS.
// Each acquisition is opened and checked (every registered Android module, `runModules`, the
// bundled indicator snapshot, outputs written) in a child process, so the peak RSS reported is
// that of the check alone and not of the generator.
import { spawnSync } from "node:child_process";
import { createCipheriv, pbkdf2Sync, randomBytes } from "node:crypto";
import { createWriteStream, existsSync, mkdirSync, rmSync, writeFileSync, type WriteStream } from "node:fs";
import { join, resolve } from "node:path";
import { createDeflate, deflateRawSync, deflateSync } from "node:zlib";
import { pipeline } from "node:stream/promises";
import { Readable } from "node:stream";
import { javaCharsUtf8 } from "../src/formats/android-backup.ts";

const ROOT = resolve(import.meta.dirname, "..");
const WORK = join(ROOT, "bench", ".work", "android");

export interface AndroidSizes {
  packages: number;
  logLines: number;
  processes: number;
  files: number;
  sms: number;
}
export const ANDROID_BIG: AndroidSizes = { packages: 3_000, logLines: 60_000, processes: 5_000, files: 100_000, sms: 100_000 };

const pkgName = (i: number) => (i % 5 === 0 ? `com.android.sys${i}` : `com.example.app${i}`);

function* dumpsysLines(n: number): Generator<string> {
  yield "-------------------------------------------------------------------------------";
  yield "DUMP OF SERVICE package:";
  yield "Packages:";
  for (let i = 0; i < n; i++) {
    const sys = i % 5 === 0;
    const name = pkgName(i);
    yield `  Package [${name}] (${(0x1000000 + i).toString(16)}):`;
    yield `    userId=${10000 + i}`;
    yield `    pkg=Package{${(0x2000000 + i).toString(16)} ${name}}`;
    yield `    codePath=${sys ? `/system/app/App${i}` : `/data/app/~~x${i}==/${name}-y${i}==`}`;
    yield `    resourcePath=${sys ? `/system/app/App${i}` : `/data/app/~~x${i}==/${name}-y${i}==`}`;
    yield `    versionCode=${100 + i} minSdk=28 targetSdk=34`;
    yield `    versionName=1.${i}.0`;
    yield `    flags=[ ${sys ? "SYSTEM " : ""}HAS_CODE ALLOW_CLEAR_USER_DATA ]`;
    yield `    dataDir=/data/user/0/${name}`;
    yield `    timeStamp=2024-01-0${1 + (i % 9)} 10:00:00`;
    yield `    firstInstallTime=2024-01-0${1 + (i % 9)} 10:00:00`;
    yield `    lastUpdateTime=2024-02-0${1 + (i % 9)} 10:00:00`;
    yield `    installerPackageName=${sys ? "null" : i % 7 === 0 ? "com.example.sideloader" : "com.android.vending"}`;
    yield `    signatures=PackageSignatures{${(0x3000000 + i).toString(16)} version:2, signatures:[${(0xa000000 + i).toString(16)}], past signatures:[]}`;
    yield "    requested permissions:";
    for (const p of ["INTERNET", "ACCESS_NETWORK_STATE", "READ_SMS", "RECORD_AUDIO", "CAMERA"]) yield `      android.permission.${p}`;
    yield "    install permissions:";
    for (const p of ["INTERNET", "ACCESS_NETWORK_STATE"]) yield `      android.permission.${p}: granted=true`;
    yield `    User 0: ceDataInode=${1000 + i} installed=true hidden=false suspended=false stopped=false notLaunched=false enabled=0 instant=false virtual=false`;
    yield "      runtime permissions:";
    yield `        android.permission.READ_SMS: granted=${i % 3 === 0}, flags=[ USER_SET ]`;
    yield `        android.permission.CAMERA: granted=${i % 4 === 0}, flags=[ USER_SET ]`;
  }
  yield "--------- 0.500s was the duration of dumpsys package, ending at: 2024-03-20 10:00:05";
  yield "-------------------------------------------------------------------------------";
  yield "DUMP OF SERVICE appops:";
  yield "Current AppOps Service state:";
  for (let i = 0; i < n; i++) {
    yield `  Uid ${10000 + i}:`;
    yield `    Package ${pkgName(i)}:`;
    yield `      READ_SMS (allow):`;
    yield `        null=[Access: 2024-03-1${i % 10} 08:00:00.000 (-1d2h) duration=+10ms]`;
    yield `      CAMERA (${i % 2 ? "allow" : "ignore"}):`;
    yield `        null=[Access: 2024-03-1${i % 10} 09:00:00.000 (-1d1h)]`;
  }
  yield "--------- 0.100s was the duration of dumpsys appops, ending at: 2024-03-20 10:00:06";
  yield "-------------------------------------------------------------------------------";
  yield "DUMP OF SERVICE batterystats:";
  yield "Daily stats:";
  yield "  Current start time: 2024-03-20-00-00-00";
  for (let d = 0; d < 30; d++) {
    yield `  Daily from 2024-02-${String(1 + (d % 28)).padStart(2, "0")}-00-00-00 to 2024-02-${String(2 + (d % 27)).padStart(2, "0")}-00-00-00:`;
    for (let j = 0; j < 20; j++) yield `    Update ${pkgName((d * 20 + j) % n)} vers=${200 + j}`;
  }
  yield "--------- 0.100s was the duration of dumpsys batterystats, ending at: 2024-03-20 10:00:07";
  yield "-------------------------------------------------------------------------------";
  yield "DUMP OF SERVICE accessibility:";
  yield "ACCESSIBILITY MANAGER (dumpsys accessibility)";
  yield "User state[";
  yield "     Enabled services:{{com.example.app7/.A11yService}}";
  yield "]";
  yield "--------- 0.001s was the duration of dumpsys accessibility, ending at: 2024-03-20 10:00:07";
  yield "-------------------------------------------------------------------------------";
  yield "DUMP OF SERVICE adb:";
  yield "ADB MANAGER STATE (dumpsys adb):";
  yield "{";
  yield "  debugging_manager={";
  yield "    connected_to_adb=true";
  yield "    user_keys=QAAAAPUBsVijHeceeK3bETuudn5I user@bench";
  yield "  }";
  yield "}";
  yield "--------- 0.001s was the duration of dumpsys adb, ending at: 2024-03-20 10:00:07";
  yield "-------------------------------------------------------------------------------";
  yield "DUMP OF SERVICE dbinfo:";
  yield "Applications Database Info:";
  for (let i = 0; i < 200; i++) {
    yield "";
    yield `** Database info for pid ${3000 + i} [${pkgName(i)}] **`;
    yield "";
    yield `Connection pool for /data/user/0/${pkgName(i)}/databases/main.db:`;
    yield "  Available primary connection:";
    yield "    Connection #0:";
    yield "      Most recently executed operations:";
    for (let j = 0; j < 10; j++) yield `        ${j}: [2024-03-20 09:${String(j).padStart(2, "0")}:00.000] executeForCursorWindow took 1ms - succeeded, sql="SELECT * FROM t${j};", path=/data/user/0/${pkgName(i)}/databases/main.db`;
  }
  yield "--------- 0.050s was the duration of dumpsys dbinfo, ending at: 2024-03-20 10:00:08";
  yield "-------------------------------------------------------------------------------";
  yield "DUMP OF SERVICE platform_compat:";
  for (let i = 0; i < 300; i++) yield `ChangeId(${100000000 + i}; name=CHANGE_${i}; enableSinceTargetSdk=${28 + (i % 8)})`;
  yield "--------- 0.002s was the duration of dumpsys platform_compat, ending at: 2024-03-20 10:00:08";
}

async function writeLines(path: string, lines: Iterable<string>): Promise<void> {
  const out = createWriteStream(path);
  await pipeline(Readable.from((function* () {
    let buf = "";
    for (const l of lines) {
      buf += l + "\n";
      if (buf.length > 1 << 16) {
        yield buf;
        buf = "";
      }
    }
    if (buf) yield buf;
  })()), out);
}

function* dumpstateLines(s: AndroidSizes): Generator<string> {
  yield "========================================================";
  yield "== dumpstate: 2024-03-20 10:00:00";
  yield "========================================================";
  yield "";
  yield "Build: UQ1A.240205.004";
  yield "Build fingerprint: 'google/panther/panther:14/UQ1A.240205.004/11269751:user/release-keys'";
  yield "------ SYSTEM PROPERTIES (getprop) ------";
  yield "[ro.product.model]: [Pixel 7]";
  yield "[ro.build.version.release]: [14]";
  yield "[ro.build.version.security_patch]: [2023-01-05]";
  for (let i = 0; i < 800; i++) yield `[persist.vendor.prop${i}]: [${i}]`;
  yield "------ 0.020s was the duration of 'SYSTEM PROPERTIES' ------";
  yield "------ SYSTEM LOG (logcat -v threadtime -v printable -v uid -d *:v) ------";
  for (let i = 0; i < s.logLines; i++) yield `03-20 09:${String(Math.floor(i / 1000) % 60).padStart(2, "0")}:${String(i % 60).padStart(2, "0")}.123  1000  ${1000 + (i % 500)}  ${1000 + (i % 700)} I ActivityManager: Start proc ${1000 + i}:${pkgName(i % s.packages)}/u0a${i % 300} for service`;
  yield "------ 0.800s was the duration of 'SYSTEM LOG' ------";
  yield "------ DUMPSYS (dumpsys) ------";
  yield* dumpsysLines(s.packages);
}

/** A zip written by streaming (stored entries would be simplest, but a real bugreport deflates). */
async function writeZip(path: string, files: { name: string; path?: string; data?: Buffer }[]): Promise<void> {
  const { readFileSync } = await import("node:fs");
  const { crc32 } = await import("node:zlib");
  const out = createWriteStream(path);
  const write = (b: Buffer) => new Promise<void>((res) => (out.write(b) ? res() : out.once("drain", res)));
  let offset = 0;
  const central: Buffer[] = [];
  for (const f of files) {
    const data = f.data ?? readFileSync(f.path!);
    const comp = deflateRawSync(data, { level: 1 });
    const name = Buffer.from(f.name);
    const crc = crc32(data) >>> 0;
    const lh = Buffer.alloc(30);
    lh.writeUInt32LE(0x04034b50, 0);
    lh.writeUInt16LE(20, 4);
    lh.writeUInt16LE(0x800, 6);
    lh.writeUInt16LE(8, 8);
    lh.writeUInt16LE(0x5000, 10);
    lh.writeUInt16LE(0x5874, 12);
    lh.writeUInt32LE(crc, 14);
    lh.writeUInt32LE(comp.length, 18);
    lh.writeUInt32LE(data.length, 22);
    lh.writeUInt16LE(name.length, 26);
    await write(lh);
    await write(name);
    await write(comp);
    const ch = Buffer.alloc(46);
    ch.writeUInt32LE(0x02014b50, 0);
    ch.writeUInt16LE((3 << 8) | 20, 4);
    ch.writeUInt16LE(20, 6);
    ch.writeUInt16LE(0x800, 8);
    ch.writeUInt16LE(8, 10);
    ch.writeUInt16LE(0x5000, 12);
    ch.writeUInt16LE(0x5874, 14);
    ch.writeUInt32LE(crc, 16);
    ch.writeUInt32LE(comp.length, 20);
    ch.writeUInt32LE(data.length, 24);
    ch.writeUInt16LE(name.length, 28);
    ch.writeUInt32LE((0o100644 << 16) >>> 0, 38);
    ch.writeUInt32LE(offset, 42);
    central.push(ch, name);
    offset += 30 + name.length + comp.length;
  }
  const cd = Buffer.concat(central);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(files.length, 8);
  end.writeUInt16LE(files.length, 10);
  end.writeUInt32LE(cd.length, 12);
  end.writeUInt32LE(offset, 16);
  await write(cd);
  await write(end);
  await new Promise<void>((res) => out.end(res));
}

function tarHeader(name: string, size: number): Buffer {
  const h = Buffer.alloc(512);
  h.write(name, 0, 100);
  h.write("0000644\0", 100);
  h.write("0000000\0", 108);
  h.write("0000000\0", 116);
  h.write(size.toString(8).padStart(11, "0") + "\0", 124);
  h.write((1710928800).toString(8).padStart(11, "0") + "\0", 136);
  h.write("        ", 148);
  h.write("0", 156);
  h.write("ustar\0", 257);
  h.write("00", 263);
  let sum = 0;
  for (let i = 0; i < 512; i++) sum += h[i];
  h.write(sum.toString(8).padStart(6, "0") + "\0 ", 148);
  return h;
}

/** An encrypted, deflated .ab with a telephony SMS backup of n messages. */
async function writeAb(path: string, n: number, password: string): Promise<void> {
  const msgs: string[] = [];
  for (let i = 0; i < n; i++) {
    msgs.push(JSON.stringify({ address: `+1555${String(i % 10000).padStart(4, "0")}`, body: i % 3 === 0 ? `see https://site${i % 997}.example.com/p/${i}` : `message number ${i}`, date: String(1700000000000 + i * 60000), date_sent: String(1700000000000 + i * 60000 - 1000), type: String(1 + (i % 2)), read: "1" }));
  }
  const sms = deflateSync(Buffer.from("[" + msgs.join(",") + "]"));
  const tar = Buffer.concat([
    tarHeader("apps/com.android.providers.telephony/_manifest", 2),
    Buffer.alloc(512, 0).fill("1\n", 0, 2),
    tarHeader("apps/com.android.providers.telephony/d_f/000000_sms_backup", sms.length),
    sms,
    Buffer.alloc((512 - (sms.length % 512)) % 512),
    Buffer.alloc(1024),
  ]);
  const rounds = 10000;
  const userSalt = randomBytes(64);
  const ckSalt = randomBytes(64);
  const userIv = randomBytes(16);
  const mk = randomBytes(32);
  const mIv = randomBytes(16);
  const userKey = pbkdf2Sync(Buffer.from(password), userSalt, rounds, 32, "sha1");
  const ck = pbkdf2Sync(javaCharsUtf8(mk), ckSalt, rounds, 32, "sha1");
  const c1 = createCipheriv("aes-256-cbc", userKey, userIv);
  const blob = Buffer.concat([c1.update(Buffer.concat([Buffer.from([16]), mIv, Buffer.from([32]), mk, Buffer.from([32]), ck])), c1.final()]);
  const hex = (b: Buffer) => b.toString("hex").toUpperCase();
  const head = ["ANDROID BACKUP", "5", "1", "AES-256", hex(userSalt), hex(ckSalt), String(rounds), hex(userIv), hex(blob)].join("\n") + "\n";
  const out: WriteStream = createWriteStream(path);
  out.write(head);
  await pipeline(Readable.from([tar]), createDeflate(), createCipheriv("aes-256-cbc", mk, mIv), out);
}

export async function generateAndroid(dir: string, s: AndroidSizes): Promise<{ bugreport: string; androidqf: string }> {
  mkdirSync(dir, { recursive: true });
  const main = "bugreport-panther-UQ1A.240205.004-2024-03-20-10-00-00.txt";
  const mainPath = join(dir, main);
  await writeLines(mainPath, dumpstateLines(s));
  const tomb = (i: number) => Buffer.from(`*** *** *** *** *** *** *** *** *** *** *** *** *** *** *** ***\nBuild fingerprint: 'google/panther/panther:14/UQ1A.240205.004/11269751:user/release-keys'\nTimestamp: 2024-03-1${i % 10} 08:00:00.000000000+0000\npid: ${2000 + i}, tid: ${2000 + i}, name: proc${i}  >>> /system/bin/proc${i} <<<\nuid: 1000\nsignal 11 (SIGSEGV), code 1 (SEGV_MAPERR), fault addr 0x0\n`);
  const bugreport = join(dir, "bugreport.zip");
  await writeZip(bugreport, [
    { name: "main_entry.txt", data: Buffer.from(main) },
    { name: "version.txt", data: Buffer.from("2.0") },
    { name: main, path: mainPath },
    ...Array.from({ length: 30 }, (_, i) => ({ name: `FS/data/tombstones/tombstone_${String(i).padStart(2, "0")}`, data: tomb(i) })),
  ]);

  const aqf = join(dir, "androidqf");
  mkdirSync(aqf, { recursive: true });
  writeFileSync(join(aqf, "getprop.txt"), "[ro.product.model]: [Pixel 7]\n[ro.build.version.release]: [14]\n[ro.build.version.security_patch]: [2023-01-05]\n");
  await writeLines(join(aqf, "dumpsys.txt"), dumpsysLines(s.packages));
  await writeLines(
    join(aqf, "ps.txt"),
    (function* () {
      yield "USER           PID  PPID     VSZ    RSS WCHAN            ADDR S NAME";
      for (let i = 0; i < s.processes; i++) yield `u0_a${i % 300}    ${10000 + i}   ${i % 50}  1000000  20000 0                   0 S ${i === 4321 ? "bh" : pkgName(i % s.packages)}`;
    })(),
  );
  await writeLines(
    join(aqf, "files.json"),
    (function* () {
      yield "[";
      for (let i = 0; i < s.files; i++) {
        yield (i ? "," : "") + JSON.stringify({ path: i % 5000 === 0 ? `/data/local/tmp/f${i}.bin` : `/sdcard/DCIM/Camera/d${i % 100}/IMG_${i}.jpg`, size: i, mode: "-rw-r--r--", user_id: 2000, group_id: 2000, changed_time: 1700000000 + i, modified_time: 1700000000 + i, access_time: 1700000000 + i, error: "", context: "u:object_r:shell_data_file:s0", sha1: "", sha256: "", sha512: "", md5: "" });
      }
      yield "]";
    })(),
  );
  const pk: unknown[] = [];
  for (let i = 0; i < s.packages; i++) {
    pk.push({ name: pkgName(i), files: [{ path: `/data/app/${pkgName(i)}/base.apk`, local_name: "", md5: "", sha1: "", sha256: (i * 7919).toString(16).padStart(64, "0"), sha512: "", error: "", verified_certificate: true, certificate: { Sha256: (i * 104729).toString(16).padStart(64, "0") }, certificate_error: "", trusted_certificate: true }], installer: i % 5 === 0 ? "null" : "com.android.vending", uid: 10000 + i, disabled: false, system: i % 5 === 0, third_party: i % 5 !== 0 });
  }
  writeFileSync(join(aqf, "packages.json"), JSON.stringify(pk));
  writeFileSync(join(aqf, "settings_secure.txt"), "install_non_market_apps=1\npackage_verifier_enable=0\n");
  await writeAb(join(aqf, "backup.ab"), s.sms, "benchpw");
  return { bugreport, androidqf: aqf };
}

interface Figures {
  label: string;
  openMs: number;
  checkMs: number;
  wallMs: number;
  peakRssMB: number;
  records: number;
  detections: number;
  failed: string[];
}

/** Child-process side: open, run every Android module, print figures as JSON. */
async function measure(kind: "bugreport" | "androidqf", path: string, out: string): Promise<void> {
  const { runModules } = await import("../src/pipeline/run-modules.ts");
  const { androidModules } = await import("../src/modules/android/index.ts");
  const { loadIndicatorsForRun } = await import("../src/indicators/for-run.ts");
  const { TimelineStore } = await import("../src/report/timeline-store.ts");
  const { mergeSpecs } = await import("../src/acquisitions/spec-match.ts");
  const iocs = (await loadIndicatorsForRun(undefined)).matcher;
  const t0 = performance.now();
  const views: { view: import("../src/acquisitions/view.ts").AcquisitionView; prefix: string }[] = [];
  if (kind === "bugreport") {
    const { openBugreport } = await import("../src/acquisitions/android/bugreport.ts");
    views.push({ view: await openBugreport(path), prefix: "" });
  } else {
    const { openAndroidqf } = await import("../src/acquisitions/android/androidqf.ts");
    const v = await openAndroidqf(path, { backupPassword: "benchpw", wanted: mergeSpecs(androidModules.map((m) => m.reads)) });
    views.push({ view: v, prefix: "" }, ...(await v.nested()));
  }
  const t1 = performance.now();
  let records = 0;
  let detections = 0;
  const failed: string[] = [];
  const timeline = new TimelineStore();
  for (const { view, prefix } of views) {
    const run = await runModules({ view, modules: androidModules, iocs, outputDir: out, timeline, prefix });
    for (const c of run.coverage) {
      records += c.records ?? 0;
      if (c.status === "failed") failed.push(`${prefix}${c.module}: ${c.reason}`);
    }
    detections += run.detections.length;
  }
  timeline.close();
  const t2 = performance.now();
  for (const { view } of views) await view.close();
  process.stdout.write(
    "BENCH " + JSON.stringify({ openMs: Math.round(t1 - t0), checkMs: Math.round(t2 - t1), wallMs: Math.round(t2 - t0), peakRssMB: Math.round(process.resourceUsage().maxRSS / 1024), records, detections, failed }) + "\n",
  );
}

export async function benchAndroid(sizes: AndroidSizes = ANDROID_BIG): Promise<Figures[]> {
  if (existsSync(WORK)) rmSync(WORK, { recursive: true, force: true });
  const g0 = performance.now();
  const { bugreport, androidqf } = await generateAndroid(WORK, sizes);
  process.stderr.write(`android bench: generated in ${((performance.now() - g0) / 1000).toFixed(1)} s (${sizes.packages} packages, ${sizes.logLines} log lines, ${sizes.processes} processes, ${sizes.files} files, ${sizes.sms} SMS)\n`);
  const results: Figures[] = [];
  for (const [label, kind, path] of [
    ["bugreport zip", "bugreport", bugreport],
    ["androidqf folder + encrypted backup.ab", "androidqf", androidqf],
  ] as const) {
    const out = join(WORK, `out-${kind}`);
    const r = spawnSync(process.execPath, ["--import", "tsx", join(ROOT, "bench", "android.ts"), "--measure", kind, path, out], { encoding: "utf8", maxBuffer: 64 << 20 });
    const m = /^BENCH (.*)$/m.exec(r.stdout);
    if (!m) throw new Error(`${label}: no figures (exit ${r.status}): ${r.stderr.slice(-2000)}`);
    const f = { label, ...(JSON.parse(m[1]) as Omit<Figures, "label">) };
    results.push(f);
    process.stdout.write(
      `${label}: open ${f.openMs} ms, modules ${f.checkMs} ms, total ${(f.wallMs / 1000).toFixed(2)} s, peak RSS ${f.peakRssMB} MB, ${f.records} records, ${f.detections} detections${f.failed.length ? `, failed: ${f.failed.join("; ")}` : ""}\n`,
    );
  }
  return results;
}

if (process.argv[2] === "--measure") {
  await measure(process.argv[3] as "bugreport" | "androidqf", process.argv[4], process.argv[5]);
} else if (import.meta.url === `file://${process.argv[1]}`) {
  await benchAndroid();
}
