// The record of a long run that goes on over several sittings (`npm run fuzz -- --ledger FILE`).
// Executions of a target are numbered and each input is made from (seed, target, number) alone,
// so a run that stops at execution N and is started again at N, later, on the same seed, covers
// exactly the inputs one uninterrupted run would. The ledger keeps, per target, where it is, the
// time spent, the counts, what was found, and which commit ran each stretch.
import { readFileSync, renameSync, writeFileSync } from "node:fs";
import type { TargetStats } from "./supervise.ts";

export interface Stretch {
  from: number;
  to: number;
  seconds: number;
  commit: string;
  date: string;
}

export interface LedgerTarget {
  /** The next execution to run (= executions done so far). */
  executions: number;
  seconds: number;
  accepted: number;
  rejected: number;
  findings: { kind: string; signature: string; message: string; index: number }[];
  stretches: Stretch[];
}

export interface Ledger {
  seed: number;
  /** Each target runs until it reaches `runs` executions or `seconds` of running, whichever is first. */
  goal: { runs: number; seconds: number };
  targets: Record<string, LedgerTarget>;
}

export function readLedger(path: string, fresh: Ledger): Ledger {
  let text: string;
  try {
    text = readFileSync(path, "utf8");
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === "ENOENT") return fresh;
    throw e;
  }
  const l = JSON.parse(text) as Ledger;
  if (typeof l.seed !== "number" || !l.goal || typeof l.targets !== "object") throw new Error(`${path}: not a fuzzing ledger`);
  return l;
}

export function writeLedger(path: string, l: Ledger): void {
  writeFileSync(`${path}.tmp`, JSON.stringify(l, null, 1) + "\n");
  renameSync(`${path}.tmp`, path);
}

export function reached(l: Ledger, t: LedgerTarget | undefined): boolean {
  return !!t && (t.executions >= l.goal.runs || t.seconds >= l.goal.seconds);
}

/** Where each unfinished target starts again, and the seconds left to it. */
export function resumePoints(l: Ledger, targets: string[]): Map<string, { start: number; seconds: number }> {
  const out = new Map<string, { start: number; seconds: number }>();
  for (const name of targets) {
    const t = l.targets[name];
    if (!reached(l, t)) out.set(name, { start: t?.executions ?? 0, seconds: l.goal.seconds - (t?.seconds ?? 0) });
  }
  return out;
}

/**
 * A function that folds the live counts of this sitting into the ledger: `before` is each
 * target's entry as the sitting began, so repeated updates replace this sitting's stretch.
 */
export function recorder(l: Ledger, commit: string): (s: TargetStats, seconds: number) => void {
  const before = new Map(Object.entries(l.targets).map(([k, v]) => [k, structuredClone(v)]));
  const date = new Date().toISOString().slice(0, 10);
  return (s, seconds) => {
    const b = before.get(s.target) ?? { executions: 0, seconds: 0, accepted: 0, rejected: 0, findings: [], stretches: [] };
    if (s.executions <= b.executions) return;
    const known = new Set(b.findings.map((f) => f.signature));
    l.targets[s.target] = {
      executions: s.executions,
      seconds: Math.round((b.seconds + seconds) * 10) / 10,
      accepted: b.accepted + s.accepted,
      rejected: b.rejected + s.rejected,
      findings: [...b.findings, ...s.findings.filter((f) => !known.has(f.signature)).map((f) => ({ kind: f.kind, signature: f.signature, message: f.message, index: f.index }))],
      stretches: [...b.stretches, { from: b.executions, to: s.executions, seconds: Math.round(seconds * 10) / 10, commit, date }],
    };
  };
}

/** The ledger as the Markdown table docs/fuzzing.md shows. */
export function ledgerTable(l: Ledger, targets: string[]): string {
  const rows = targets.map((name) => {
    const t = l.targets[name];
    if (!t) return `| ${name} | 0 | 0 min | 0 | 0 | not started | | |`;
    const state = t.executions >= l.goal.runs ? "reached (executions)" : t.seconds >= l.goal.seconds ? "reached (time)" : `${Math.floor((100 * Math.max(t.executions / l.goal.runs, t.seconds / l.goal.seconds)))}%`;
    const commits = [...new Set(t.stretches.map((x) => x.commit))].join(", ");
    const found = t.findings.length ? t.findings.map((f) => `${f.kind} #${f.index}: ${f.message.replace(/\|/g, "\\|").slice(0, 80)}`).join("; ") : "none";
    return `| ${name} | ${t.executions.toLocaleString("en")} | ${(t.seconds / 60).toFixed(1)} min | ${t.accepted.toLocaleString("en")} | ${t.rejected.toLocaleString("en")} | ${state} | ${found} | ${commits} |`;
  });
  const done = targets.filter((n) => reached(l, l.targets[n])).length;
  return [
    `Seed ${l.seed}; goal ${l.goal.runs.toLocaleString("en")} executions or ${l.goal.seconds % 3600 ? `${l.goal.seconds} s` : `${l.goal.seconds / 3600} h`} per target; ${done} of ${targets.length} targets reached it.`,
    "",
    "| target | executions | time | parsed | VigilError | goal | findings | commits |",
    "| --- | ---: | ---: | ---: | ---: | --- | --- | --- |",
    ...rows,
  ].join("\n");
}
