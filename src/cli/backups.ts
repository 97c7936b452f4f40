// `vigil backups`: the iPhone backups on this computer (the places Finder, iTunes, Apple Devices
// and idevicebackup2 keep them, and folders given with --in), each described from its plists.
import type { Command } from "commander";
import { existsSync } from "node:fs";
import { backupsHere, type FoundBackup, type PlaceListing } from "../acquisitions/ios-backup/found.ts";
import { VigilError } from "../core/errors.ts";
import { action, collect } from "./check-common.ts";

/** Each folder given with --in must exist. */
export function checkInFolders(dirs: string[] = []): void {
  for (const d of dirs) if (!existsSync(d)) throw new VigilError("--in: no such folder", { file: d, code: "usage" });
}

export function formatSize(bytes: number): string {
  const units = ["bytes", "KB", "MB", "GB", "TB"];
  let v = bytes;
  let u = 0;
  while (v >= 1000 && u < units.length - 1) {
    v /= 1000;
    u++;
  }
  return u === 0 ? `${v} bytes` : `${v.toFixed(v < 10 ? 1 : 0)} ${units[u]}`;
}

function backupLines(b: FoundBackup): string[] {
  const what = [b.model, b.iosVersion ? `iOS ${b.iosVersion}` : undefined].filter(Boolean).join(", ");
  const when = b.date ? `${b.date.slice(0, 16).replace("T", " ")} UTC` : "date unknown";
  const enc = b.encrypted === undefined ? "encryption unknown" : b.encrypted ? "encrypted" : "not encrypted";
  const head = `  ${b.deviceName ?? "unnamed device"}${what ? ` (${what})` : ""}: ${when}, ${formatSize(b.size ?? 0)}, ${enc}`;
  const lines = [head, `      ${b.dir}`];
  if (b.state !== "complete") lines.push(`      ${b.state.toUpperCase()}: ${b.problem}`);
  return lines;
}

export function formatListing(places: PlaceListing[]): string {
  const out: string[] = [];
  const found = places.flatMap((p) => p.backups);
  out.push(found.length ? `${found.length} iPhone backup(s) found:` : "No iPhone backup found.");
  for (const p of places) {
    if (!p.backups.length) continue;
    out.push("", `In ${p.dir}${p.by ? ` (${p.by})` : ""}:`);
    for (const b of p.backups) out.push(...backupLines(b));
  }
  const empty = places.filter((p) => !p.backups.length);
  if (empty.length) {
    out.push("", "Also looked in:");
    for (const p of empty) out.push(`  ${p.dir}: ${p.exists ? "no backup" : "no such folder"}`);
  }
  if (found.some((b) => b.encrypted === false)) out.push("", 'An unencrypted backup holds less: see "Making an encrypted iPhone backup" in the README.');
  return out.join("\n");
}

export function register(program: Command): void {
  program
    .command("backups")
    .description("list the iPhone backups on this computer (Finder, iTunes, Apple Devices and idevicebackup2 folders), reading only their Info.plist, Manifest.plist and Status.plist")
    .option("--in <dir>", "also look in this folder (repeatable)", collect)
    .option("--json", "print as JSON")
    .action(
      action(async (opts: { in?: string[]; json?: boolean }) => {
        checkInFolders(opts.in);
        const places = await backupsHere(opts.in);
        process.stdout.write(opts.json ? JSON.stringify(places, null, 2) + "\n" : formatListing(places) + "\n");
        return 0;
      }),
    );
}
