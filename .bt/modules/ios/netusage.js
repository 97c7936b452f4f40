import { processUsageModule } from "./lib/process-usage.js";
var netusage_default = processUsageModule({
  name: "netusage",
  title: "Network usage per process (networkd netusage)",
  label: "netusage.sqlite",
  description: "Reads networkd's netusage.sqlite (filesystem dumps only; it is not in backups), which has the same process and usage tables as DataUsage.sqlite. Flags known spyware process names and bundle ids, usage rows whose process record was deleted, and small holes in process record ids.",
  reads: {
    // Older iOS versions keep it directly under networkd, newer ones in networkd/db.
    fs: ["private/var/networkd/netusage.sqlite", "private/var/networkd/db/netusage.sqlite"]
  }
});
export {
  netusage_default as default
};
