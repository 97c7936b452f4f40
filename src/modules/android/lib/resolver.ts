// The intent resolver tables of dumpsys package, for dumpsys_activities and dumpsys_receivers.
import type { ModuleContext } from "../../contract.ts";
import { parseResolverTable, type ResolverEntry } from "../../../formats/dumpsys/resolver.ts";
import { dumpsysService } from "./common.ts";

export async function* resolverEntries(ctx: ModuleContext, title: "Activity" | "Receiver"): AsyncGenerator<ResolverEntry & { file: string }> {
  for (const { file, lines } of await dumpsysService(ctx, "package")) {
    for (const e of parseResolverTable(lines, title)) yield { ...e, file };
  }
}
