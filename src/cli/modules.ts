// `vigil modules`: what each module reads and looks for, derived from the modules' declarations.
import type { Command } from "commander";
import type { SpecKey } from "../acquisitions/view.ts";
import { mvtName, type MvtName } from "../modules/mvt-names.ts";
import { allModules } from "../modules/registry.ts";

const KINDS: SpecKey[] = ["backup", "fs", "sysdiagnose", "androidqf", "bugreport", "android_backup", "intrusion_logs", "network"];

/** MVT's file and plugin names of a module, per kind of acquisition where MVT has it. */
function mvtNames(module: string): Partial<Record<SpecKey, MvtName>> {
  return Object.fromEntries(KINDS.flatMap((k) => (mvtName(module, k) ? [[k, mvtName(module, k)!]] : [])));
}

export function register(program: Command): void {
  program
    .command("modules")
    .description("list every module: what it reads on each kind of acquisition and what it looks for")
    .option("--json", "as JSON")
    .option("-p, --platform <ios|android|network>", "only this platform")
    .action((opts: { json?: boolean; platform?: string }) => {
      const mods = allModules.filter((m) => !opts.platform || m.platform === opts.platform);
      if (opts.json) {
        process.stdout.write(JSON.stringify(mods.map((m) => ({ name: m.name, title: m.title, platform: m.platform, description: m.description, reads: m.reads, mvt: mvtNames(m.name) })), null, 2) + "\n");
        return;
      }
      for (const m of mods) {
        process.stdout.write(`${m.platform.padEnd(8)} ${m.name.padEnd(34)} ${m.title}\n`);
        process.stdout.write(`         ${m.description}\n`);
        const r = m.reads;
        if (r.backup) process.stdout.write(`         backup: ${r.backup.map((b) => `${b.domain}/${b.path}`).join(", ")}\n`);
        for (const key of ["fs", "sysdiagnose", "androidqf", "bugreport", "android_backup", "intrusion_logs"] as const) {
          if (r[key]?.length) process.stdout.write(`         ${key}: ${r[key]!.join(", ")}\n`);
        }
        if (r.whole?.length) process.stdout.write(`         whole acquisition: ${r.whole.join(", ")}\n`);
        if (r.dumpsys?.length) process.stdout.write(`         dumpsys sections: ${r.dumpsys.join(", ")}\n`);
        const mvt = Object.entries(mvtNames(m.name)).map(([k, n]) => `${k} ${n!.slug}.json`);
        if (mvt.length) process.stdout.write(`         MVT's file: ${mvt.join(", ")}\n`);
      }
    });
}
