import { defineModule, fromMatches } from "../../core/module.js";
import { parsePlatformCompat } from "../../formats/dumpsys.js";
import { DUMPSYS_READS, dumpsysService } from "./lib/common.js";
var dumpsys_platform_compat_default = defineModule({
  name: "dumpsys_platform_compat",
  title: "Compatibility overrides (platform_compat)",
  platform: "android",
  description: "Packages named in compatibility overrides (dumpsys platform_compat): checked against app id indicators.",
  reads: DUMPSYS_READS,
  async *records(ctx) {
    for (const { file, lines } of await dumpsysService(ctx, "platform_compat")) {
      for (const o of parsePlatformCompat(lines)) yield { ...o, file };
    }
  },
  check(r, ctx) {
    return fromMatches(ctx.iocs.appId(r.package_name), { grade: "strong", title: (m) => `Known malicious app named in compatibility overrides: ${m.matched}`, artifact: r.file });
  }
});
export {
  dumpsys_platform_compat_default as default
};
