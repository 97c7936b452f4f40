import { defineModule, fromMatches } from "../../core/module.js";
import { VigilError } from "../../core/errors.js";
import { requireSchema } from "../../formats/sqlite.js";
import { fromMacAbsolute } from "../../core/time.js";
import { parsePlist } from "../../formats/plist.js";
import { asText, present } from "./lib/checks.js";
import { extractLinks, oneLine } from "./lib/links.js";
function parseActions(data, file) {
  const v = parsePlist(data, file);
  const list = Array.isArray(v) ? v : isDict(v) && Array.isArray(v.WFWorkflowActions) ? v.WFWorkflowActions : void 0;
  if (!list) throw new VigilError("shortcut actions are not a plist array", { file, code: "plist" });
  const identifiers = [];
  const urls = [];
  for (const a of list) {
    if (!isDict(a)) continue;
    identifiers.push(typeof a.WFWorkflowActionIdentifier === "string" ? a.WFWorkflowActionIdentifier : "?");
    collectUrls(a.WFWorkflowActionParameters, urls, 0);
  }
  return { identifiers, urls };
}
function isDict(v) {
  return typeof v === "object" && v !== null && !Array.isArray(v) && !Buffer.isBuffer(v) && !(v instanceof Date);
}
function collectUrls(v, out, depth) {
  if (depth > 20 || v === null || v === void 0) return;
  if (typeof v === "string") {
    for (const u of extractLinks(v)) if (!out.includes(u)) out.push(u);
  } else if (Array.isArray(v)) {
    for (const x of v) collectUrls(x, out, depth + 1);
  } else if (isDict(v)) {
    for (const x of Object.values(v)) collectUrls(x, out, depth + 1);
  }
}
var shortcuts_default = defineModule({
  name: "shortcuts",
  title: "Shortcuts",
  platform: "ios",
  description: "Shortcuts with their actions and the URLs inside the actions' parameters; the URLs are checked against URL and domain indicators.",
  reads: {
    backup: [{ domain: "HomeDomain", path: "Library/Shortcuts/Shortcuts.sqlite" }],
    fs: ["private/var/mobile/Library/Shortcuts/Shortcuts.sqlite"]
  },
  async *records(ctx) {
    for (const file of ctx.files) {
      const h = await ctx.view.openSqlite(file);
      try {
        requireSchema(h, { ZSHORTCUT: ["Z_PK"], ZSHORTCUTACTIONS: ["ZSHORTCUT", "ZDATA"] });
        const sc = present(h, "ZSHORTCUT", ["ZNAME", "ZACTIONSDESCRIPTION", "ZCREATIONDATE", "ZMODIFICATIONDATE"]);
        const s = (c) => sc.includes(c) ? `s.${c}` : "NULL";
        const sql = `SELECT s.Z_PK, ${s("ZNAME")}, ${s("ZACTIONSDESCRIPTION")}, ${s("ZCREATIONDATE")}, ${s("ZMODIFICATIONDATE")}, a.ZDATA
          FROM ZSHORTCUT s LEFT JOIN ZSHORTCUTACTIONS a ON a.ZSHORTCUT = s.Z_PK`;
        for (const r of h.db.prepare(sql).raw(true).iterate()) {
          const rec = {
            shortcut_id: r[0],
            shortcut_name: asText(r[1]),
            description: asText(r[2]),
            isodate: fromMacAbsolute(r[3]) ?? null,
            modified_date: fromMacAbsolute(r[4]) ?? null,
            parsed_actions: 0,
            actions: [],
            action_urls: []
          };
          if (Buffer.isBuffer(r[5]) && r[5].length) {
            try {
              const p = parseActions(r[5], file.path);
              rec.parsed_actions = p.identifiers.length;
              rec.actions = p.identifiers;
              rec.action_urls = p.urls;
            } catch (e) {
              rec.actions_error = e instanceof VigilError ? e.message : String(e);
              ctx.warn(`${file.path}: shortcut ${rec.shortcut_id}: ${rec.actions_error}`);
            }
          }
          yield rec;
        }
      } finally {
        h.close();
      }
    }
  },
  events(r) {
    const what = `Shortcut '${r.shortcut_name ?? r.shortcut_id}'${r.description ? `: ${oneLine(r.description, 150)}` : ""}${r.action_urls.length ? ` (URLs in actions: ${r.action_urls.join(", ")})` : ""}`;
    const out = [];
    if (r.isodate) out.push({ timestamp: r.isodate, event: "shortcut_created", description: what });
    if (r.modified_date && r.modified_date !== r.isodate) out.push({ timestamp: r.modified_date, event: "shortcut_modified", description: what });
    return out;
  },
  check(r, ctx) {
    const out = [];
    for (const u of r.action_urls) {
      out.push(
        ...fromMatches(ctx.iocs.url(u), {
          grade: "medium",
          title: (m) => `Known spyware URL in the actions of shortcut '${r.shortcut_name ?? r.shortcut_id}': ${m.matched}`,
          why: "The shortcut contacts or opens this address when it runs.",
          timestamp: r.modified_date ?? r.isodate ?? void 0
        })
      );
    }
    return out;
  }
});
export {
  shortcuts_default as default,
  parseActions
};
