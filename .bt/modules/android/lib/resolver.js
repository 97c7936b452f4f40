import { parseResolverTable } from "../../../formats/dumpsys.js";
import { dumpsysService } from "./common.js";
async function* resolverEntries(ctx, title) {
  for (const { file, lines } of await dumpsysService(ctx, "package")) {
    for (const e of parseResolverTable(lines, title)) yield { ...e, file };
  }
}
export {
  resolverEntries
};
