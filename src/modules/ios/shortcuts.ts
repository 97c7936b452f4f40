// Shortcuts (Shortcuts.sqlite): each shortcut with its actions and the URLs inside the actions'
// parameters. A shortcut can fetch URLs and run automations, so a planted one is a foothold.
import { fromMatches } from "../../core/detection.ts";
import type { DetectionInput } from "../../core/model.ts";
import { VigilError } from "../../core/errors.ts";
import { defineSqliteModule } from "../lib/sqlite.ts";
import { fromMacAbsolute } from "../../core/time.ts";
import { parsePlist } from "../../formats/plist.ts";
import { asText } from "./lib/checks.ts";
import { extractLinks, oneLine } from "./lib/links.ts";
import { msg } from "../../core/i18n/index.ts";

export interface ShortcutRecord {
  shortcut_id: number;
  shortcut_name: string | null;
  description: string | null;
  isodate: string | null;
  modified_date: string | null;
  parsed_actions: number;
  /** WFWorkflowActionIdentifier of each action, in order. */
  actions: string[];
  action_urls: string[];
  /** Why the actions could not be read, when they could not. */
  actions_error?: string;
}

interface ParsedActions {
  identifiers: string[];
  urls: string[];
}

/** The actions of a shortcut (a plist array of {WFWorkflowActionIdentifier, WFWorkflowActionParameters}). */
export function parseActions(data: Buffer, file: string): ParsedActions {
  const v: unknown = parsePlist(data, file);
  const list: unknown[] | undefined = Array.isArray(v) ? v : isDict(v) && Array.isArray(v.WFWorkflowActions) ? v.WFWorkflowActions : undefined;
  if (!list) throw new VigilError("shortcut actions are not a plist array", { file, code: "plist" });
  const identifiers: string[] = [];
  const urls = new Set<string>();
  for (const a of list) {
    if (!isDict(a)) continue;
    identifiers.push(typeof a.WFWorkflowActionIdentifier === "string" ? a.WFWorkflowActionIdentifier : "?");
    collectUrls(a.WFWorkflowActionParameters, urls, 0);
  }
  return { identifiers, urls: [...urls] };
}

function isDict(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null && !Array.isArray(v) && !Buffer.isBuffer(v) && !(v instanceof Date);
}

// URLs may sit in any parameter (WFURLActionURL, text fields, nested dictionaries), so every
// string of the parameter tree is searched. A Set keeps the first of each URL, in order.
function collectUrls(v: unknown, out: Set<string>, depth: number): void {
  if (depth > 20 || v === null || v === undefined) return;
  if (typeof v === "string") {
    for (const u of extractLinks(v)) out.add(u);
  } else if (Array.isArray(v)) {
    for (const x of v) collectUrls(x, out, depth + 1);
  } else if (isDict(v)) {
    for (const x of Object.values(v)) collectUrls(x, out, depth + 1);
  }
}

export default defineSqliteModule<ShortcutRecord>({
  name: "shortcuts",
  title: "Shortcuts",
  platform: "ios",
  description: "Shortcuts with their actions and the URLs inside the actions' parameters; the URLs are checked against URL and domain indicators.",
  reads: {
    backup: [{ domain: "HomeDomain", path: "Library/Shortcuts/Shortcuts.sqlite" }],
    fs: ["private/var/mobile/Library/Shortcuts/Shortcuts.sqlite"],
  },
  // The actions (a binary plist) live in ZSHORTCUTACTIONS.ZDATA, one row per shortcut.
  requires: { ZSHORTCUT: ["Z_PK"], ZSHORTCUTACTIONS: ["ZSHORTCUT", "ZDATA"] },
  *rows(db, ctx) {
    const sc = db.present("ZSHORTCUT", ["ZNAME", "ZACTIONSDESCRIPTION", "ZCREATIONDATE", "ZMODIFICATIONDATE"]);
    const s = (c: string) => (sc.includes(c) ? `s.${c}` : "NULL");
    const sql = `SELECT s.Z_PK, ${s("ZNAME")}, ${s("ZACTIONSDESCRIPTION")}, ${s("ZCREATIONDATE")}, ${s("ZMODIFICATIONDATE")}, a.ZDATA
      FROM ZSHORTCUT s LEFT JOIN ZSHORTCUTACTIONS a ON a.ZSHORTCUT = s.Z_PK`;
    for (const r of db.rows(sql)) {
      const rec: ShortcutRecord = {
        shortcut_id: r[0],
        shortcut_name: asText(r[1]),
        description: asText(r[2]),
        isodate: fromMacAbsolute(r[3]) ?? null,
        modified_date: fromMacAbsolute(r[4]) ?? null,
        parsed_actions: 0,
        actions: [],
        action_urls: [],
      };
      if (Buffer.isBuffer(r[5]) && r[5].length) {
        try {
          const p = parseActions(r[5], db.path);
          rec.parsed_actions = p.identifiers.length;
          rec.actions = p.identifiers;
          rec.action_urls = p.urls;
        } catch (e) {
          // One unreadable shortcut does not hide the others.
          rec.actions_error = e instanceof VigilError ? e.message : String(e);
          ctx.warn(`${db.path}: shortcut ${rec.shortcut_id}: ${rec.actions_error}`);
        }
      }
      yield rec;
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
    const out: DetectionInput[] = [];
    for (const u of r.action_urls) {
      out.push(
        ...fromMatches(ctx.iocs.url(u), {
          grade: "medium",
          title: (m) => msg("det.shortcuts.url", { shortcut: r.shortcut_name ?? r.shortcut_id, value: m.matched }),
          why: msg("det.shortcuts.url.why"),
          timestamp: r.modified_date ?? r.isodate ?? undefined,
        }),
      );
    }
    return out;
  },
});
