// `npm run bench`: every benchmark, figures printed and saved to bench/.work/results.json.
// Generated acquisitions are cached in bench/.work so a second run only measures.
// Usage: npm run bench [-- indicators ios-backup ios-backup-scale ios-fs android network cases]
import { mkdirSync, writeFileSync } from "node:fs";
import { cpus, totalmem } from "node:os";
import { join } from "node:path";
import { benchAndroid } from "./android.ts";
import { benchCases } from "./cases.ts";
import { benchIndicators } from "./indicators.ts";
import { benchIosBackup, benchIosBackupScale } from "./ios-backup.ts";
import { benchIosFs } from "./ios-fs.ts";
import { benchNetwork } from "./network.ts";

const ALL = ["indicators", "ios-backup", "ios-backup-scale", "ios-fs", "android", "network", "cases"] as const;
const wanted = process.argv.slice(2).filter((a) => (ALL as readonly string[]).includes(a));
const run = wanted.length ? wanted : [...ALL];
const results: Record<string, unknown> = {
  machine: { cpus: cpus().length, model: cpus()[0]?.model, memoryGB: Math.round(totalmem() / 2 ** 30), node: process.version },
  date: new Date().toISOString(),
};
for (const name of run) {
  process.stderr.write(`\n== ${name}\n`);
  const t0 = performance.now();
  if (name === "indicators") results[name] = await benchIndicators();
  if (name === "ios-backup") results[name] = await benchIosBackup();
  if (name === "ios-backup-scale") results[name] = await benchIosBackupScale();
  if (name === "ios-fs") results[name] = await benchIosFs();
  if (name === "android") results[name] = await benchAndroid();
  if (name === "network") results[name] = await benchNetwork();
  if (name === "cases") results[name] = await benchCases();
  process.stderr.write(`(${name}: ${((performance.now() - t0) / 1000).toFixed(1)} s including generation)\n`);
  console.log(name);
  const r = results[name];
  if (Array.isArray(r)) console.table(r);
  else console.table(r);
}
mkdirSync(join(import.meta.dirname, ".work"), { recursive: true });
writeFileSync(join(import.meta.dirname, ".work", "results.json"), JSON.stringify(results, null, 2));
