// npm run fuzz -- [options]: the fuzzing harness (docs/fuzzing.md). With no option, every target
// runs for 60 s; --smoke is CI's short pass; --replay re-runs one input in this process.
import { mkdirSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { parseArgs } from "node:util";
import { applyPlan, describePlan, mutateContext, planFor } from "./engine/input.ts";
import { execSync } from "node:child_process";
import { ledgerTable, readLedger, recorder, resumePoints, writeLedger } from "./engine/ledger.ts";
import { fuzz, flushFindings, type TargetStats } from "./engine/supervise.ts";
import { knownWhy } from "./known.ts";
import { defaultCorpus } from "./targets/corpus.ts";
import { TARGETS, targetByName } from "./targets/index.ts";

const USAGE = `usage: npm run fuzz -- [--smoke] [--targets a,b,prefix*] [--runs N] [--time SECONDS] [--seed N]
       [--jobs N] [--timeout MS] [--rss MB] [--heap MB] [--no-corpus] [--findings DIR] [--json FILE]
       npm run fuzz -- --ledger FILE [--status] [--targets ...] [--runs N] [--time SECONDS] [--seed N] [--jobs N]
       npm run fuzz -- --list
       npm run fuzz -- --replay TARGET:INDEX [--seed N] [--out FILE]`;

const { values: a } = parseArgs({
  options: {
    smoke: { type: "boolean" },
    list: { type: "boolean" },
    targets: { type: "string" },
    runs: { type: "string" },
    time: { type: "string" },
    seed: { type: "string" },
    jobs: { type: "string" },
    timeout: { type: "string" },
    rss: { type: "string" },
    heap: { type: "string" },
    "no-corpus": { type: "boolean" },
    findings: { type: "string" },
    json: { type: "string" },
    ledger: { type: "string" },
    status: { type: "boolean" },
    replay: { type: "string" },
    out: { type: "string" },
    help: { type: "boolean", short: "h" },
  },
});

if (a.help) {
  console.log(USAGE);
  process.exit(0);
}
if (a.list) {
  for (const t of TARGETS) console.log(`${t.name.padEnd(40)} ${t.what}`);
  process.exit(0);
}

const num = (v: string | undefined, d: number) => (v === undefined ? d : Number(v));
const seed = num(a.seed, a.smoke ? 20 : Date.now() % 1_000_000);
const corpus = a["no-corpus"] ? undefined : defaultCorpus();

if (a.replay) {
  const [name, index] = [a.replay.slice(0, a.replay.lastIndexOf(":")), Number(a.replay.slice(a.replay.lastIndexOf(":") + 1))];
  const t = targetByName(name);
  const plan = planFor(seed, t.name, index, t.mutators.length);
  const input = applyPlan(plan, t.mutators, mutateContext(await t.seeds(corpus)));
  console.log(`${t.name} #${index} (seed ${seed}): ${describePlan(plan, t.mutators)}; ${input.length} bytes`);
  if (a.out) writeFileSync(a.out, input);
  try {
    const r = await t.run(input);
    console.log("result:", typeof r === "object" ? JSON.stringify(r)?.slice(0, 500) : r);
  } catch (e) {
    console.log("threw:", e);
  }
  process.exit(0);
}

function pick(spec: string | undefined): string[] {
  if (!spec) return TARGETS.map((t) => t.name);
  const out = new Set<string>();
  for (const p of spec.split(",")) {
    const re = new RegExp(`^${p.trim().replace(/[.+?^${}()|[\]\\]/g, "\\$&").replace(/\*/g, ".*")}$`);
    const hit = TARGETS.filter((t) => re.test(t.name));
    if (!hit.length) throw new Error(`no target matches "${p}" (npm run fuzz -- --list)`);
    for (const t of hit) out.add(t.name);
  }
  return [...out];
}

const targets = pick(a.targets);
const smoke = !!a.smoke;
const findingsDir = resolve(a.findings ?? join(import.meta.dirname, "findings"));
const started = Date.now();

// A long run over several sittings: the ledger says where each target starts again; its seed
// and goal (1M executions or 1 h per target unless given) are those of its first sitting.
const ledgerPath = a.ledger && resolve(a.ledger);
const ledger = ledgerPath ? readLedger(ledgerPath, { seed: num(a.seed, 2026), goal: { runs: num(a.runs, 1_000_000), seconds: num(a.time, 3600) }, targets: {} }) : undefined;
if (ledger && a.status) {
  console.log(ledgerTable(ledger, targets));
  process.exit(0);
}
if (ledger && a.seed !== undefined && Number(a.seed) !== ledger.seed) throw new Error(`${a.ledger} was run with seed ${ledger.seed}; carry it on with that seed`);
const resume = ledger && resumePoints(ledger, targets);
const runSeed = ledger ? ledger.seed : seed;
let update: ((s: TargetStats, done: boolean, seconds: number) => void) | undefined;
if (ledger && ledgerPath) {
  const fold = recorder(ledger, commitOf(ledgerPath));
  update = (s, _done, seconds) => {
    fold(s, seconds);
    writeLedger(ledgerPath, ledger);
  };
  // Stopped from outside (the sitting is over): the ledger already holds the last counts.
  for (const sig of ["SIGINT", "SIGTERM"] as const) process.on(sig, () => process.exit(130));
}

const stats = await fuzz({
  targets: resume ? targets.filter((t) => resume.has(t)) : targets,
  runs: ledger ? ledger.goal.runs : num(a.runs, smoke ? 2000 : Number.MAX_SAFE_INTEGER),
  seconds: ledger ? ledger.goal.seconds : num(a.time, smoke ? 2 : 60),
  seed: runSeed,
  jobs: num(a.jobs, ledger ? 1 : 2),
  grouping: smoke ? "shared" : "per-target",
  resume,
  onUpdate: update,
  timeoutMs: num(a.timeout, 10_000),
  rssMb: num(a.rss, 1536),
  heapMb: num(a.heap, 1024),
  corpus,
  findingsDir,
  log: (l) => process.stderr.write(`${l}\n`),
});
await flushFindings();

const fresh: string[] = [];
const lines = stats.map((s: TargetStats) => {
  const tags = s.findings.map((f) => {
    const why = knownWhy(f.target, f.signature);
    if (!why) fresh.push(`${f.target} #${f.index} ${f.kind}: ${f.message}`);
    return why ? `known (${why})` : f.kind;
  });
  return `${s.target.padEnd(40)} ${String(s.executions).padStart(9)} exec ${s.seconds.toFixed(0).padStart(6)} s  ${String(s.accepted).padStart(8)} parsed ${String(s.rejected).padStart(8)} VigilError ${String(s.messages).padStart(5)} messages  ${s.seeds} seeds  ${tags.length ? tags.join(", ") : "no findings"}`;
});
console.log(lines.join("\n"));
console.log(`${stats.length} targets, seed ${runSeed}, ${corpus ? "corpus " + corpus : "no corpus (seeds built in code)"}, ${((Date.now() - started) / 1000).toFixed(0)} s`);
if (a.json) {
  mkdirSync(resolve(a.json, ".."), { recursive: true });
  writeFileSync(a.json, JSON.stringify({ seed: runSeed, corpus: !!corpus, started: new Date(started).toISOString(), seconds: (Date.now() - started) / 1000, stats }, null, 2) + "\n");
}
if (fresh.length) {
  console.log(`${fresh.length} finding(s) not known; inputs and replay commands in ${findingsDir}:\n  ${fresh.join("\n  ")}`);
  process.exit(1);
}

/** The commit this sitting runs (with "+" when its code has changes), for the ledger. */
function commitOf(ledger: string): string {
  try {
    const head = execSync("git rev-parse --short HEAD", { cwd: import.meta.dirname, encoding: "utf8" }).trim();
    // The ledger itself changes as the run goes: it is not code.
    const dirty = execSync(`git status --porcelain -- :/src :/fuzz ":(exclude)${ledger}"`, { cwd: import.meta.dirname, encoding: "utf8" }).trim();
    return dirty ? `${head}+` : head;
  } catch {
    return "unknown";
  }
}
