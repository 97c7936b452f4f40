// Every iOS module, in the order they run. Add one import and one array entry per module.
import type { ModuleDef } from "../../core/module.ts";
import datausage from "./datausage.ts";
import netusage from "./netusage.ts";
import tcc from "./tcc.ts";

export const iosModules: ModuleDef<any>[] = [
  datausage,
  netusage,
  tcc,
];
