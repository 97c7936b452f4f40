// Intent resolver tables of dumpsys package ("Activity Resolver Table:", "Receiver Resolver Table:", ...).
import { indentOf } from "./text.ts";

export interface ResolverEntry {
  /** "Non-Data Actions", "Full MIME Types", "Schemes", ... */
  table: string;
  intent: string;
  package_name: string;
  component: string;
  filters?: number;
}

const RESOLVER_ENTRY_RE = /^[0-9a-f]+ ([\w.$-]+)\/([\w.$-]+)(?: \((\d+) filters?\))?/;

export function parseResolverTable(lines: string[], title: "Activity" | "Receiver" | "Service" | "Provider"): ResolverEntry[] {
  const header = `${title} Resolver Table:`;
  const out: ResolverEntry[] = [];
  let inTable = false;
  let table = "";
  let intent = "";
  let intentIndent = -1;
  for (const line of lines) {
    if (line.trim().length === 0) continue;
    const ind = indentOf(line);
    if (ind === 0) {
      inTable = line.startsWith(header);
      table = "";
      intent = "";
      continue;
    }
    if (!inTable) continue;
    const t = line.trim();
    if (ind <= 2) {
      table = t.replace(/:$/, "");
      intent = "";
      intentIndent = -1;
      continue;
    }
    if (t.endsWith(":") && (intentIndent === -1 || ind <= intentIndent)) {
      intent = t.slice(0, -1);
      intentIndent = ind;
      continue;
    }
    if (!intent) continue;
    const m = RESOLVER_ENTRY_RE.exec(t);
    if (!m) continue;
    const component = m[2].startsWith(".") ? m[1] + m[2] : m[2];
    out.push({ table, intent, package_name: m[1], component, filters: m[3] ? Number(m[3]) : undefined });
  }
  return out;
}
