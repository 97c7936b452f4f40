import getprop from "./getprop.js";
import settings from "./settings.js";
import packages from "./packages.js";
import dumpsysPackages from "./dumpsys-packages.js";
import processes from "./processes.js";
import files from "./files.js";
import rootBinaries from "./root-binaries.js";
import mounts from "./mounts.js";
import dumpsysAccessibility from "./dumpsys-accessibility.js";
import dumpsysActivities from "./dumpsys-activities.js";
import dumpsysReceivers from "./dumpsys-receivers.js";
import dumpsysAdb from "./dumpsys-adb.js";
import dumpsysAppops from "./dumpsys-appops.js";
import dumpsysBatteryDaily from "./dumpsys-battery-daily.js";
import dumpsysBatteryHistory from "./dumpsys-battery-history.js";
import dumpsysDbinfo from "./dumpsys-dbinfo.js";
import dumpsysPlatformCompat from "./dumpsys-platform-compat.js";
import tombstones from "./tombstones.js";
import sms from "./sms.js";
import intrusionDns from "./intrusion-dns.js";
import intrusionConnections from "./intrusion-connections.js";
import intrusionSecurity from "./intrusion-security.js";
const androidModules = [
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
  dumpsysAppops,
  dumpsysBatteryDaily,
  dumpsysBatteryHistory,
  dumpsysDbinfo,
  dumpsysPlatformCompat,
  tombstones,
  sms,
  intrusionDns,
  intrusionConnections,
  intrusionSecurity
];
export {
  androidModules
};
