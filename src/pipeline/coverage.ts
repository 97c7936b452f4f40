// The coverage of a check made of several views (an androidqf bundle and the backup or bugreport
// inside it), and what an archive view refused to read.
import type { Refusal } from "../acquisitions/archive/safety.ts";
import type { AcquisitionView } from "../acquisitions/view.ts";
import { english, msg } from "../core/i18n/index.ts";
import type { Coverage } from "../core/model.ts";

/**
 * One coverage list for a check made of several views. Each view lists every module of its
 * platform, so a module that one view checked would also appear as "not applicable" from the
 * others: those entries are dropped. A module checked (or absent, or failed) in more than one
 * view keeps one entry per view, the nested ones named with their output-file prefix
 * (backup_sms, as backup_sms.json).
 */
export function mergeCoverage(perView: { prefix: string; coverage: Coverage[] }[]): Coverage[] {
  const relevant = new Map<string, number>();
  for (const { coverage } of perView) for (const c of coverage) if (c.status !== "not_applicable") relevant.set(c.module, (relevant.get(c.module) ?? 0) + 1);
  const out: Coverage[] = [];
  const seen = new Set<string>();
  for (const { prefix, coverage } of perView) {
    for (const c of coverage) {
      const n = relevant.get(c.module) ?? 0;
      if (c.status === "not_applicable") {
        if (n > 0 || seen.has(c.module)) continue;
        seen.add(c.module);
        out.push(c);
        continue;
      }
      out.push(n > 1 && prefix ? { ...c, module: `${prefix}${c.module}` } : c);
    }
  }
  return out;
}

/** Unsafe archive members were never read: what they held could not be checked. */
export function refusedCoverage(view: AcquisitionView, prefix: string): Coverage | undefined {
  const refused = (view as { refused?: () => Refusal[] }).refused?.() ?? [];
  if (!refused.length) return undefined;
  const reason = msg("coverage.reason.refused", { root: view.root, n: refused.length, entry: JSON.stringify(refused[0].entry), reason: refused[0].why ?? refused[0].reason });
  return {
    module: `${prefix}unsafe_archive_entries`,
    title: english(msg("module.unsafe_archive_entries")),
    status: "failed",
    reason: english(reason),
    reason_message: reason,
    warnings: refused.slice(0, 50).map((r) => `${JSON.stringify(r.entry)}: ${r.reason}`),
  };
}
