// Re-checking Vigil's own results with the modules' own checks: each module file's records go
// through the check of the module that wrote them, so a re-check gives the grades, titles and
// times the live check gives (a link in a received SMS is medium there, as in the check). The
// generic field-name re-check (indicators/recheck.ts) stays for MVT's folders, for modules
// without a per-record check, and for a module whose check needs the acquisition itself.
import { join } from "node:path";
import type { SpecKey } from "../acquisitions/view.ts";
import { VigilError } from "../core/errors.ts";
import { own } from "../core/own.ts";
import type { Detection, Platform } from "../core/model.ts";
import type { Matcher } from "../indicators/matcher-api.ts";
import type { RecheckResult } from "../indicators/recheck.ts";
import type { ModuleContext, ModuleDef } from "../modules/contract.ts";
import { moduleOfSlug } from "../modules/mvt-names.ts";
import { allModules } from "../modules/registry.ts";
import { readModuleRecords } from "../report/read-records.ts";

/** The platform and the view's spec key of an acquisition kind, as info.json names it. */
const KINDS: Record<string, { platform: Platform; spec: SpecKey }> = {
  ios_backup: { platform: "ios", spec: "backup" },
  ios_fs: { platform: "ios", spec: "fs" },
  ios_sysdiagnose: { platform: "ios", spec: "sysdiagnose" },
  androidqf: { platform: "android", spec: "androidqf" },
  android_bugreport: { platform: "android", spec: "bugreport" },
  android_backup: { platform: "android", spec: "android_backup" },
  android_intrusion_logs: { platform: "android", spec: "intrusion_logs" },
  network: { platform: "network", spec: "network" },
};

const NESTED = /^(backup_|bugreport_)/;

/** A module's context in a re-check: the indicators only; the acquisition is not there. */
function recheckContext(mod: ModuleDef<any>, iocs: Matcher): ModuleContext {
  const gone = (): never => {
    throw new VigilError(`${mod.name}: its check needs the acquisition, which a re-check does not have`, { code: "usage" });
  };
  return {
    get view(): never {
      return gone();
    },
    iocs,
    files: [],
    wanted: mod.reads,
    detect: gone,
    expose: gone,
    event: () => {},
    warn: () => {},
    skip: () => {},
    cover: () => {},
    progress: () => {},
  };
}

/**
 * Replaces the generic re-check of each module file of a Vigil results folder of acquisition
 * `kind` by its module's own check, where the module has one and it runs without the
 * acquisition. Returns the modules re-checked this way.
 */
export async function recheckWithModules(dir: string, kind: string | undefined, r: RecheckResult, iocs: Matcher): Promise<string[]> {
  const k = kind ? own(KINDS, kind) : undefined;
  if (!k) return [];
  const done: string[] = [];
  for (const m of r.modules) {
    if (m.coverage.status !== "checked") continue;
    const slug = m.file.slice(0, -5);
    const name = moduleOfSlug(slug.replace(NESTED, ""));
    const mod = allModules.find((x) => x.name === name && x.platform === k.platform);
    if (!mod?.check) continue;
    const ctx = recheckContext(mod, iocs);
    const detections: Detection[] = [];
    const detectedRecords: unknown[] = [];
    try {
      for await (const rec of readModuleRecords(join(dir, m.file))) {
        const found = mod.check(rec, ctx);
        if (!found.length) continue;
        for (const d of found) detections.push({ ...d, record: d.record ?? rec, module: mod.name, artifact: d.artifact ?? m.file, results_file: m.file });
        detectedRecords.push({ ...(rec && typeof rec === "object" && !Array.isArray(rec) ? rec : { value: rec }), matched_indicator: found[0]!.matched_indicator });
      }
    } catch {
      // Records this module's check cannot take (edited, or its check needs the acquisition):
      // the generic re-check of the file stands.
      continue;
    }
    // Only indicator matches are re-checked: behaviour signs are carried over from the folder.
    m.detections = detections.filter((d) => d.kind === "indicator");
    m.detectedRecords = detectedRecords;
    m.coverage.detections = m.detections.length;
    done.push(m.file);
  }
  r.detections = r.modules.flatMap((m) => m.detections);
  return done;
}
