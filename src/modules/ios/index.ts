// Every iOS module, in the order they run. Add one import and one array entry per module.
import type { ModuleDef } from "../../core/module.ts";
import datausage from "./datausage.ts";
import netusage from "./netusage.ts";
import tcc from "./tcc.ts";
import globalPreferences from "./global-preferences.ts";
import osAnalyticsAdDaily from "./os-analytics-ad-daily.ts";
import locationd from "./locationd.ts";

export const iosModules: ModuleDef<any>[] = [
  datausage,
  netusage,
  tcc,
  globalPreferences,
  osAnalyticsAdDaily,
  locationd,
];
