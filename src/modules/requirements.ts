// What a meaningful check needs, per kind of acquisition: the artifacts without which "no known
// traces" would be false comfort. When one is missing (absent, or present but unreadable) and
// nothing was found, the verdict is "too little could be checked to say" (exit 20), with what was
// missing and how to get a fuller acquisition. Declared as data beside the module registry; the
// README's "Too little to say" table says the same. A new acquisition kind is one more entry.
import type { AcquisitionKind } from "../acquisitions/view.ts";
import type { Coverage } from "../core/model.ts";
import { own } from "../core/own.ts";

/** One thing a check needs: any one of these modules checked meets it. */
export interface Need {
  /** Catalog key part: `need.<need>` names it for the reader. */
  need: string;
  anyOf: string[];
  /** The module must also have found at least one record (a capture that holds no traffic is not a check). */
  withRecords?: boolean;
}

export interface CheckRequirement {
  needs: Need[];
  /**
   * At least `count` modules checked, not counting the listed ones (listings of the whole
   * acquisition, which run on any dump): a dump holding only a contacts database is not a check.
   */
  minChecked?: { count: number; notCounting: string[] };
  /** Catalog key part: `advice.<advice>` says how to get an acquisition that holds more. */
  advice: string;
}

/** Dumpsys sections that show what runs and what is set up on an Android phone. */
const DUMPSYS_STATE = [
  "dumpsys_activities",
  "dumpsys_receivers",
  "dumpsys_accessibility",
  "dumpsys_appops",
  "dumpsys_adb",
  "dumpsys_battery_daily",
  "dumpsys_battery_history",
  "dumpsys_dbinfo",
  "dumpsys_platform_compat",
];

export const CHECK_REQUIREMENTS: Partial<Record<AcquisitionKind, CheckRequirement>> = {
  ios_backup: {
    needs: [
      { need: "backup_manifest", anyOf: ["manifest"] },
      { need: "messages", anyOf: ["sms"] },
      { need: "safari", anyOf: ["safari_history"] },
      { need: "process_use", anyOf: ["datausage"] },
    ],
    advice: "ios_backup",
  },
  ios_fs: {
    needs: [{ need: "process_use", anyOf: ["datausage", "netusage"] }],
    minChecked: { count: 5, notCounting: ["filesystem"] },
    advice: "ios_fs",
  },
  ios_sysdiagnose: {
    needs: [
      { need: "shutdown_log", anyOf: ["shutdown_log"] },
      { need: "process_list", anyOf: ["sysdiagnose_processes"] },
    ],
    advice: "ios_sysdiagnose",
  },
  androidqf: {
    needs: [
      { need: "app_list", anyOf: ["packages", "dumpsys_packages"] },
      { need: "processes_or_services", anyOf: ["processes", ...DUMPSYS_STATE] },
    ],
    advice: "androidqf",
  },
  android_bugreport: {
    needs: [
      { need: "app_list", anyOf: ["dumpsys_packages"] },
      { need: "services", anyOf: DUMPSYS_STATE },
    ],
    advice: "android_bugreport",
  },
  android_backup: {
    needs: [{ need: "messages", anyOf: ["sms"] }],
    advice: "android_backup",
  },
  android_intrusion_logs: {
    needs: [{ need: "network_events", anyOf: ["intrusion_dns", "intrusion_connections"] }],
    advice: "android_intrusion_logs",
  },
  network: {
    needs: [{ need: "traffic", anyOf: ["flows", "dns", "tls", "app_privacy_report"], withRecords: true }],
    advice: "network",
  },
};

/** The need that stands for `minChecked`: too few artifacts at all. */
export const MORE_ARTIFACTS = "more_artifacts";

/**
 * What the check of a `kind` acquisition needed and did not get, given its coverage; [] when
 * enough was checked or the kind has no requirement (a results folder of unknown origin).
 */
export function missingNeeds(kind: string | undefined, coverage: Pick<Coverage, "module" | "status" | "records">[]): { need: string; modules: string[]; params?: Record<string, number> }[] {
  // The kind may be read back from a results folder's info.json: own entries only ("constructor").
  const req = kind ? own(CHECK_REQUIREMENTS, kind) : undefined;
  if (!req) return [];
  const checked = new Set(coverage.filter((c) => c.status === "checked").map((c) => c.module));
  const withRecords = new Set(coverage.filter((c) => c.status === "checked" && (c.records ?? 0) > 0).map((c) => c.module));
  const met = (n: Need) => n.anyOf.some((m) => (n.withRecords ? withRecords : checked).has(m));
  const out: ReturnType<typeof missingNeeds> = req.needs.filter((n) => !met(n)).map((n) => ({ need: n.need, modules: [...n.anyOf] }));
  if (req.minChecked) {
    const counted = [...checked].filter((m) => !req.minChecked!.notCounting.includes(m)).length;
    if (counted < req.minChecked.count) out.push({ need: MORE_ARTIFACTS, modules: [], params: { checked: counted, count: req.minChecked.count } });
  }
  return out;
}

/** The catalog key part of the advice for a `kind` acquisition, when it has a requirement. */
export function adviceFor(kind: string | undefined): string | undefined {
  return kind ? own(CHECK_REQUIREMENTS, kind)?.advice : undefined;
}
