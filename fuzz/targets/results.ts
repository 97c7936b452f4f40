// Results folders read back by `vigil report` and `check-iocs`: loadResults in
// src/report/load-results.ts and the HTML report built from them. One file of a real results
// folder (built in code through the pipeline) is damaged per execution; its name is the input's
// first line, so the mutators can also change which file it is.
import { mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { writeHtmlReport } from "../../src/report/html/index.ts";
import { buildResultsFolder } from "../../test/helpers/results-fixture.ts";
import { deleteRange, flipBit, insertNoise, setByte, splice, truncate } from "../engine/bytes.ts";
import { TEXT_MUTATORS } from "../engine/text.ts";
import type { Target } from "../engine/types.ts";
import { scratchDir } from "./scratch.ts";

const TEXT = [...TEXT_MUTATORS, ...TEXT_MUTATORS, flipBit, setByte, truncate, deleteRange, insertNoise, splice];

let folder: Map<string, Buffer> | undefined;
async function fixture(): Promise<Map<string, Buffer>> {
  if (!folder) {
    const dir = await buildResultsFolder({ planted: true, days: 3 });
    folder = new Map(readdirSync(dir).filter((f) => /\.(json|csv)$/.test(f)).map((f) => [f, readFileSync(join(dir, f))]));
    rmSync(dir, { recursive: true, force: true });
  }
  return folder;
}

const MVT_FILES: Record<string, string> = {
  "sms_detected.json": JSON.stringify([{ isodate: "2021-07-02 08:41:12.000000", text: "https://evil.example/a", matched_indicator: { value: "evil.example", type: "domain-name:value", name: "Pegasus", stix2_file_name: "pegasus.stix2" } }]),
  "info.json": JSON.stringify({ mvt_version: "2.5.0", date: "2024-01-02 03:04:05" }),
  "timeline.csv": '"UTC Timestamp","Plugin","Event","Description"\n"2021-07-02 08:41:12.000000","SMS","sms_received","https://evil.example/a"\n',
};

export const resultsTargets: Target[] = [
  {
    name: "results-json",
    what: "results folders (Vigil's and MVT's JSON and timeline.csv): loadResults in src/report/load-results.ts and writeHtmlReport",
    seeds: async () => {
      const files = await fixture();
      return [...[...files].map(([name, data]) => Buffer.concat([Buffer.from(`${name}\n`), data])), ...Object.entries(MVT_FILES).map(([n, d]) => Buffer.from(`mvt:${n}\n${d}`))];
    },
    mutators: TEXT,
    run: async (input) => {
      const nl = input.indexOf(0x0a);
      const head = nl < 0 ? "" : input.subarray(0, nl).toString("utf8");
      const mvt = head.startsWith("mvt:");
      const cleaned = (mvt ? head.slice(4) : head).replace(/[^\w.-]/g, "").slice(0, 60);
      // "." and ".." name the folder or its parent, not a file in it.
      const name = cleaned && !/^\.+$/.test(cleaned) ? cleaned : "alerts.json";
      const dir = join(scratchDir(), "results");
      rmSync(dir, { recursive: true, force: true });
      mkdirSync(dir);
      const base = mvt ? new Map(Object.entries(MVT_FILES).map(([n, d]) => [n, Buffer.from(d)])) : await fixture();
      for (const [n, d] of base) writeFileSync(join(dir, n), d);
      writeFileSync(join(dir, name), nl < 0 ? input : input.subarray(nl + 1));
      return writeHtmlReport(dir, { lang: "en", out: join(scratchDir(), "report.html") });
    },
  },
];
