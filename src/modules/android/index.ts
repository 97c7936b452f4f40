// Every Android module, in the order they run. Add one import and one array entry per module.
import type { ModuleDef } from "../contract.ts";
import getprop from "./getprop.ts";
import settings from "./settings.ts";
import packages from "./packages.ts";
import dumpsysPackages from "./dumpsys-packages.ts";
import processes from "./processes.ts";
import files from "./files.ts";
import rootBinaries from "./root-binaries.ts";
import mounts from "./mounts.ts";
import dumpsysAccessibility from "./dumpsys-accessibility.ts";
import dumpsysActivities from "./dumpsys-activities.ts";
import dumpsysReceivers from "./dumpsys-receivers.ts";
import dumpsysAdb from "./dumpsys-adb.ts";
import samsungSfsLogs from "./samsung-sfs-logs.ts";
import dumpsysAppops from "./dumpsys-appops.ts";
import dumpsysBatteryDaily from "./dumpsys-battery-daily.ts";
import dumpsysBatteryHistory from "./dumpsys-battery-history.ts";
import dumpsysDbinfo from "./dumpsys-dbinfo.ts";
import dumpsysPlatformCompat from "./dumpsys-platform-compat.ts";
import tombstones from "./tombstones.ts";
import sms from "./sms.ts";
import intrusionDns from "./intrusion-dns.ts";
import intrusionConnections from "./intrusion-connections.ts";
import intrusionSecurity from "./intrusion-security.ts";

export const androidModules: ModuleDef<any>[] = [
  getprop,
  settings,
  packages,
  dumpsysPackages,
  processes,
  files,
  rootBinaries,
  mounts,
  dumpsysAccessibility,
  dumpsysActivities,
  dumpsysReceivers,
  dumpsysAdb,
  samsungSfsLogs,
  dumpsysAppops,
  dumpsysBatteryDaily,
  dumpsysBatteryHistory,
  dumpsysDbinfo,
  dumpsysPlatformCompat,
  tombstones,
  sms,
  intrusionDns,
  intrusionConnections,
  intrusionSecurity,
];
