// Every Android module, in the order they run. Add one import and one array entry per module.
import type { ModuleDef } from "../../core/module.ts";

export const androidModules: ModuleDef<any>[] = [
];
