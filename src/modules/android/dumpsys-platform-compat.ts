// dumpsys platform_compat: per-package compatibility overrides. Packages appear here when an
// override was set for them, which names apps that may no longer be installed.
import { defineModule } from "../contract.ts";
import { fromMatches } from "../../core/detection.ts";
import { parsePlatformCompat, type CompatOverride } from "../../formats/dumpsys/platform-compat.ts";
import { dumpsysReads, dumpsysService } from "./lib/common.ts";
import { msg } from "../../core/i18n/index.ts";

export type PlatformCompatRecord = CompatOverride & { file: string };

export default defineModule<PlatformCompatRecord>({
  name: "dumpsys_platform_compat",
  title: "Compatibility overrides (platform_compat)",
  platform: "android",
  description: "Packages named in compatibility overrides (dumpsys platform_compat): checked against app id indicators.",
  reads: dumpsysReads("platform_compat"),
  async *records(ctx) {
    for (const { file, lines } of await dumpsysService(ctx, "platform_compat")) {
      for (const o of parsePlatformCompat(lines)) yield { ...o, file };
    }
  },
  check(r, ctx) {
    return fromMatches(ctx.iocs.appId(r.package_name), { grade: "strong", title: (m) => msg("det.platform_compat.known", { value: m.matched }), artifact: r.file });
  },
});
