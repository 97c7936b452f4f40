import { processUsageModule } from "./lib/process-usage.js";
var datausage_default = processUsageModule({
  name: "datausage",
  title: "Network data usage per process (DataUsage)",
  label: "DataUsage.sqlite",
  description: "Reads DataUsage.sqlite, where iOS records every process and app that used the network with first/last-seen times and byte counters. Flags known spyware process names and bundle ids, usage rows whose process record was deleted, and small holes in process record ids (deleted rows).",
  reads: {
    backup: [{ domain: "WirelessDomain", path: "Library/Databases/DataUsage.sqlite" }],
    fs: ["private/var/wireless/Library/Databases/DataUsage.sqlite"]
  }
});
export {
  datausage_default as default
};
