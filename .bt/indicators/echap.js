import { CORE_SCHEMA, load as loadYaml } from "js-yaml";
import { resolveKind } from "./lists.js";
import { normalizeIndicator, refang } from "./normalize.js";
import { makeSet } from "./set.js";
const DESCRIPTIVE = /* @__PURE__ */ new Set(["name", "names", "type", "comment", "comments", "description", "references", "tags"]);
function isEchapDoc(doc) {
  return Array.isArray(doc) && doc.length > 0 && doc.some((e) => e && typeof e === "object" && "name" in e && ("packages" in e || "websites" in e || "c2" in e || "certificates" in e));
}
function loadEchap(doc, meta) {
  const problems = [];
  const sets = [];
  const unread = /* @__PURE__ */ new Map();
  doc.forEach((entry, idx) => {
    if (!entry || typeof entry !== "object" || Array.isArray(entry)) {
      problems.push({ file: meta.source, id: `entry ${idx + 1}`, reason: "entry is not a mapping", level: "error" });
      return;
    }
    const e = entry;
    const name = typeof e.name === "string" && e.name.trim() ? e.name.trim() : `${meta.defaultName} entry ${idx + 1}`;
    const where = `entry ${idx + 1} (${name})`;
    const indicators = [];
    const take = (field, values, kind) => {
      if (values === void 0 || values === null) return;
      const list = Array.isArray(values) ? values : [values];
      for (const v of list) {
        if (typeof v !== "string" || v.trim() === "") {
          problems.push({ file: meta.source, id: where, reason: `${field}: ${JSON.stringify(v)} is not a string`, level: "error" });
          continue;
        }
        const value = refang(v.trim());
        const k = resolveKind(kind, value);
        const key = k === null ? null : normalizeIndicator(k, value);
        if (key === null) {
          problems.push({ file: meta.source, id: where, reason: `${field}: ${JSON.stringify(v.slice(0, 120))} is not a valid ${kind}`, level: "error" });
          continue;
        }
        indicators.push({ type: k, value, key });
      }
    };
    for (const [key, val] of Object.entries(e)) {
      switch (key) {
        case "packages":
          take(key, val, "app_id");
          break;
        case "certificates":
          take(key, val, "app_cert_hash");
          break;
        case "websites":
        case "distribution":
          take(key, val, "domain");
          break;
        case "c2": {
          if (!val || typeof val !== "object" || Array.isArray(val)) {
            take(key, val, "domain");
            break;
          }
          for (const [ck, cv] of Object.entries(val)) {
            if (ck === "ips" || ck === "ip") take(`c2.${ck}`, cv, "ip");
            else if (ck === "domains" || ck === "domain") take(`c2.${ck}`, cv, "domain");
            else unread.set(`c2.${ck}`, (unread.get(`c2.${ck}`) ?? 0) + 1);
          }
          break;
        }
        default:
          if (!DESCRIPTIVE.has(key)) unread.set(key, (unread.get(key) ?? 0) + 1);
      }
    }
    if (indicators.length) sets.push(makeSet(name, meta, indicators));
  });
  for (const [key, n] of unread) {
    problems.push({ file: meta.source, reason: `"${key}" (${n} ${n === 1 ? "entry" : "entries"}) is not an indicator kind Vigil matches`, level: "skipped" });
  }
  return { sets, problems };
}
function parseYamlDoc(text) {
  return loadYaml(text, { schema: CORE_SCHEMA, json: true });
}
export {
  isEchapDoc,
  loadEchap,
  parseYamlDoc
};
