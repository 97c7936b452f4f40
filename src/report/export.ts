// `vigil export`: a results folder (Vigil's or MVT's) in the formats other tools import:
// Timesketch's JSON Lines, or a STIX 2.1 bundle. Written to a file, or to a stream (stdout).
import { createWriteStream, existsSync, renameSync, rmSync, statSync } from "node:fs";
import type { Writable } from "node:stream";
import { once } from "node:events";
import { VigilError } from "../core/errors.ts";
import { outputError, partialPath } from "../core/output-file.ts";
import { stixBundle } from "./export-stix.ts";
import { timesketchLines } from "./export-timesketch.ts";
import { loadResults } from "./load-results.ts";

export const EXPORT_FORMATS = ["timesketch", "stix2"] as const;
export type ExportFormat = (typeof EXPORT_FORMATS)[number];

async function put(out: Writable, chunk: string): Promise<void> {
  if (!out.write(chunk)) await once(out, "drain");
}

/** Writes the export of `dir` to `out` (a path) or to `stream`; returns how many lines or objects it holds. */
export async function exportResults(dir: string, format: string, target: { out?: string; stream?: Writable }): Promise<number> {
  if (!(EXPORT_FORMATS as readonly string[]).includes(format)) throw new VigilError(`--format ${format}: expected one of ${EXPORT_FORMATS.join(", ")}`, { code: "usage" });
  if (!existsSync(dir) || !statSync(dir).isDirectory()) throw new VigilError("not a results folder", { file: dir, code: "usage" });
  const results = loadResults(dir);
  // A file is written under its temporary name and renamed once complete, as results files are.
  const file = target.out ? createWriteStream(partialPath(target.out)) : undefined;
  const out = file ?? target.stream ?? process.stdout;
  let n = 0;
  let done = false;
  try {
    if (format === "timesketch") {
      for await (const line of timesketchLines(results)) {
        await put(out, line + "\n");
        n++;
      }
    } else {
      const bundle = stixBundle(results);
      n = bundle.objects.length;
      await put(out, JSON.stringify(bundle, null, 2) + "\n");
    }
    done = true;
  } finally {
    if (file && target.out) {
      file.end();
      await once(file, "close");
      if (done) {
        try {
          renameSync(partialPath(target.out), target.out);
        } catch (e) {
          throw outputError(e, target.out);
        }
      } else rmSync(partialPath(target.out), { force: true });
    }
  }
  return n;
}
