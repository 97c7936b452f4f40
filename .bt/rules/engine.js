import { readFileSync } from "node:fs";
import YAML from "yaml";
import { GRADES } from "../core/model.js";
import { VigilError } from "../core/errors.js";
function basename(p) {
  const t = p.endsWith("/") ? p.slice(0, -1) : p;
  return t.slice(t.lastIndexOf("/") + 1);
}
class RuleSet {
  rules;
  compiled = /* @__PURE__ */ new Map();
  lists;
  baselines;
  baselineCache = /* @__PURE__ */ new Map();
  constructor(files, baselines, source = "rules") {
    this.lists = /* @__PURE__ */ new Map();
    for (const f of files) for (const [k, v] of Object.entries(f.lists ?? {})) this.lists.set(k, v.map(String));
    this.baselines = new Map(Object.entries(baselines));
    this.rules = files.flatMap((f) => f.rules ?? []);
    const seen = /* @__PURE__ */ new Set();
    for (const r of this.rules) {
      for (const k of ["id", "subject", "description", "title", "why", "matched"]) {
        if (typeof r[k] !== "string" || !r[k]) throw new VigilError(`rule ${r.id ?? "?"} lacks ${k}`, { file: source, code: "rules" });
      }
      if (!GRADES.includes(r.grade)) throw new VigilError(`rule ${r.id}: grade must be strong, medium or weak`, { file: source, code: "rules" });
      if (seen.has(r.id)) throw new VigilError(`duplicate rule id ${r.id}`, { file: source, code: "rules" });
      seen.add(r.id);
      const test = this.compile(r.when, r.id, source);
      const list = this.compiled.get(r.subject) ?? [];
      list.push({ rule: r, test });
      this.compiled.set(r.subject, list);
    }
  }
  list(name) {
    const l = this.lists.get(name);
    if (!l) throw new Error(`no rule list ${name}`);
    return l;
  }
  /** Whether `value` is an ordinary value of baseline `name` for this iOS version. */
  inBaseline(name, value, env = {}) {
    return this.baselineSet(name, env.osVersion).has(value);
  }
  /** Rules of one subject kind that the record satisfies. */
  evaluate(subject, record, env = {}) {
    const rules = this.compiled.get(subject);
    if (!rules) return [];
    const cenv = { baseline: (n, v) => this.inBaseline(n, v, env) };
    const out = [];
    const rec = record;
    for (const { rule, test } of rules) {
      if (!test(rec, cenv)) continue;
      out.push({
        rule,
        title: rule.title.replace(/\{(\w+)\}/g, (_, f) => String(rec[f] ?? "")),
        matched: String(rec[rule.matched] ?? "")
      });
    }
    return out;
  }
  baselineSet(name, osVersion) {
    const major = osVersion ? osVersion.split(".")[0] : "";
    const key = `${name}\0${major}`;
    let set = this.baselineCache.get(key);
    if (set) return set;
    const b = this.baselines.get(name);
    if (!b) throw new Error(`no baseline ${name}`);
    set = new Set(b["*"] ?? []);
    const versions = major && b[major] ? [major] : Object.keys(b).filter((k) => k !== "*");
    for (const v of versions) for (const x of b[v] ?? []) set.add(x);
    this.baselineCache.set(key, set);
    return set;
  }
  resolve(v, id, source) {
    if (v === void 0) return void 0;
    if (typeof v === "string") {
      if (!v.startsWith("@")) return [v];
      const l = this.lists.get(v.slice(1));
      if (!l) throw new VigilError(`rule ${id}: unknown list ${v}`, { file: source, code: "rules" });
      return l;
    }
    return v.map(String);
  }
  compile(p, id, source) {
    if (!p || typeof p !== "object") throw new VigilError(`rule ${id}: predicate must be an object`, { file: source, code: "rules" });
    if ("all" in p) {
      const parts = p.all.map((x) => this.compile(x, id, source));
      return (s, e) => parts.every((f2) => f2(s, e));
    }
    if ("any" in p) {
      const parts = p.any.map((x) => this.compile(x, id, source));
      return (s, e) => parts.some((f2) => f2(s, e));
    }
    if ("not" in p) {
      const inner = this.compile(p.not, id, source);
      return (s, e) => !inner(s, e);
    }
    if (typeof p.field !== "string") throw new VigilError(`rule ${id}: predicate needs all, any, not or field`, { file: source, code: "rules" });
    const t = p;
    const tests = [];
    const prefixes = this.resolve(t.starts_with, id, source);
    const inSet = t.in !== void 0 ? new Set(this.resolve(t.in, id, source)) : void 0;
    const baseSet = t.basename_in !== void 0 ? new Set(this.resolve(t.basename_in, id, source)) : void 0;
    let re;
    if (t.matches !== void 0) {
      try {
        re = new RegExp(t.matches);
      } catch (e) {
        throw new VigilError(`rule ${id}: bad regular expression ${t.matches}`, { file: source, code: "rules", cause: e });
      }
    }
    if (t.in_baseline && !this.baselines.has(t.in_baseline)) throw new VigilError(`rule ${id}: unknown baseline ${t.in_baseline}`, { file: source, code: "rules" });
    const item = t.any_item ? this.compile(t.any_item, id, source) : void 0;
    const f = t.field;
    if (t.exists !== void 0) tests.push((s) => (s[f] !== void 0 && s[f] !== null && s[f] !== "") === t.exists);
    if (prefixes) tests.push((s) => typeof s[f] === "string" && prefixes.some((x) => s[f].startsWith(x)));
    if (inSet) tests.push((s) => s[f] !== void 0 && s[f] !== null && inSet.has(String(s[f])));
    if (baseSet) tests.push((s) => typeof s[f] === "string" && baseSet.has(basename(s[f])));
    if (re) tests.push((s) => typeof s[f] === "string" && re.test(s[f]));
    if (t.gte !== void 0) tests.push((s) => typeof s[f] === "number" && s[f] >= t.gte);
    if (t.lte !== void 0) tests.push((s) => typeof s[f] === "number" && s[f] <= t.lte);
    if (t.in_baseline) tests.push((s, e) => typeof s[f] === "string" && e.baseline(t.in_baseline, s[f]));
    if (item) tests.push((s, e) => Array.isArray(s[f]) && s[f].some((x) => x !== null && typeof x === "object" && item(x, e)));
    if (tests.length === 0) throw new VigilError(`rule ${id}: test on ${f} has no condition`, { file: source, code: "rules" });
    return (s, e) => tests.every((x) => x(s, e));
  }
}
function loadRuleSet(ruleFiles, baselineFiles) {
  const files = ruleFiles.map((f) => {
    try {
      return YAML.parse(readFileSync(f, "utf8"));
    } catch (e) {
      throw new VigilError(`cannot read rules: ${e.message.split("\n")[0]}`, { file: f, code: "rules", cause: e });
    }
  });
  const baselines = {};
  for (const [name, f] of Object.entries(baselineFiles)) {
    try {
      baselines[name] = YAML.parse(readFileSync(f, "utf8"));
    } catch (e) {
      throw new VigilError(`cannot read baseline: ${e.message.split("\n")[0]}`, { file: f, code: "rules", cause: e });
    }
  }
  return new RuleSet(files, baselines, ruleFiles.join(", "));
}
export {
  RuleSet,
  loadRuleSet
};
