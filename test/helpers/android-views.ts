// Fixture builders for the Android module tests: in-memory acquisitions of each kind and
// dumpsys text assembled from sections.
import { memoryView, type MemoryFile } from "../../src/acquisitions/memory.ts";
import type { AcquisitionKind } from "../../src/acquisitions/view.ts";
import type { ModuleDef } from "../../src/modules/contract.ts";
import type { IndicatorKind } from "../../src/core/model.ts";
import { matcherFromValues } from "../../src/indicators/matcher.ts";
import { collectModule } from "../../src/pipeline/run-modules.ts";

export function view(kind: AcquisitionKind, files: Record<string, string | Buffer>, device?: Record<string, string>) {
  const list: MemoryFile[] = Object.entries(files).map(([path, data]) => ({ path, data }));
  return memoryView({ kind, platform: "android", files: list, device });
}
export const qf = (files: Record<string, string | Buffer>, device?: Record<string, string>) => view("androidqf", files, device);
export const br = (files: Record<string, string | Buffer>) => view("android_bugreport", files);
export const ab = (files: Record<string, string | Buffer>) => view("android_backup", files);
export const il = (files: Record<string, string | Buffer>) => view("android_intrusion_logs", files);

export function run(mod: ModuleDef<any>, v: ReturnType<typeof view>, iocs: Partial<Record<IndicatorKind, string[]>> = {}) {
  return collectModule(mod, v, matcherFromValues(iocs, "Test set"));
}

/** A dumpsys text: one "DUMP OF SERVICE" section per entry, delimited as dumpsys writes them. */
export function dumpsys(sections: Record<string, string>): string {
  const rule = "-".repeat(79);
  let out = "Currently running services:\n  " + Object.keys(sections).join("\n  ") + "\n";
  for (const [name, body] of Object.entries(sections)) {
    out += `${rule}\nDUMP OF SERVICE ${name}:\n${body.replace(/\n$/, "")}\n--------- 0.010s was the duration of dumpsys ${name}, ending at: 2024-03-21 11:07:22\n`;
  }
  return out;
}

/** One "Package [x]" block of dumpsys package, with a blank line inside as some vendors write. */
export function pkgBlock(name: string, opts: { system?: boolean; installer?: string; uid?: number; first?: string; extra?: string } = {}): string {
  const code = opts.system ? `/system/app/${name}` : `/data/app/~~abc==/${name}-xyz==`;
  return [
    `  Package [${name}] (1a2b3c):`,
    `    userId=${opts.uid ?? 10123}`,
    `    pkg=Package{4d5e6f ${name}}`,
    `    codePath=${code}`,
    `    versionCode=42 minSdk=26 targetSdk=33`,
    `    versionName=1.2`,
    "",
    `    flags=[ ${opts.system ? "SYSTEM " : ""}HAS_CODE ALLOW_CLEAR_USER_DATA ]`,
    `    timeStamp=2024-01-02 03:04:05`,
    `    firstInstallTime=${opts.first ?? "2024-01-02 03:04:06"}`,
    `    lastUpdateTime=2024-02-03 04:05:06`,
    ...(opts.installer !== undefined ? [`    installerPackageName=${opts.installer}`] : []),
    `    signatures=PackageSignatures{7f8e9d version:2, signatures:[b378e95c], past signatures:[]}`,
    `    requested permissions:`,
    `      android.permission.READ_SMS`,
    `      android.permission.INTERNET`,
    "",
    `    install permissions:`,
    `      android.permission.INTERNET: granted=true`,
    `    User 0: ceDataInode=1 installed=true hidden=false suspended=false stopped=false notLaunched=false enabled=0 instant=false virtual=false`,
    `      gids=[3003]`,
    `      runtime permissions:`,
    `        android.permission.READ_SMS: granted=true, flags=[ USER_SET ]`,
    ...(opts.extra ? [opts.extra] : []),
  ].join("\n");
}

export function packageSection(blocks: string[], receivers = "", activities = ""): string {
  return [
    "Database versions:",
    "  Internal:",
    "    sdkVersion=33 databaseVersion=3",
    "",
    ...(activities ? ["Activity Resolver Table:", activities, ""] : []),
    ...(receivers ? ["Receiver Resolver Table:", receivers, ""] : []),
    "Packages:",
    ...blocks.flatMap((b) => [b, ""]),
    "Hidden system packages:",
    "  Package [com.hidden.factory] (999):",
    "    codePath=/system/app/Hidden",
    "",
    "Queries:",
    "  system apps queryable: false",
  ].join("\n");
}
