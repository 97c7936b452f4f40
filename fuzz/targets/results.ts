// Results folders read back by `vigil report` and `check-iocs`: loadResults in
// src/report/load-results.ts and the HTML report built from them. One file of a real results
// folder (built in code through the pipeline) is damaged per execution; its name is the input's
// first line, so the mutators can also change which file it is.
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { timesketchLines } from "../../src/report/export-timesketch.ts";
import { writeHtmlReport } from "../../src/report/html/index.ts";
import { loadResults } from "../../src/report/load-results.ts";
import { timelineIsIso, writeTimelineInMvtForm } from "../../src/report/timeline-copy.ts";
import { buildResultsFolder } from "../../test/helpers/results-fixture.ts";
import { deleteRange, flipBit, insertNoise, setByte, splice, truncate } from "../engine/bytes.ts";
import { CSV_MUTATORS } from "../engine/csv.ts";
import { longLine, TEXT_MUTATORS } from "../engine/text.ts";
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

const HEADER = '"UTC Timestamp","Plugin","Event","Description"\n';
/** Rows a real timeline.csv may hold, and damaged ones: the seeds besides the fixture's own. */
const CRAFTED_TIMELINES = [
  // Quoted fields holding line breaks (CRLF and LF) and doubled quotes, as MVT writes message texts.
  HEADER + '"2026-01-01 10:00:00.000000","sms","message_received","first line\nsecond ""quoted"" line"\r\n"2026-01-01 10:00:01.000000","sms","message_received","a\r\nb,c"\r\n',
  // A very long field, then rows of too few and too many fields, a bare row, an empty line.
  HEADER + `"2026-01-01 10:00:00.000000","safari_history","visit","https://planted-evil.example/${"a".repeat(70_000)}"\n"2026-01-01 10:00:02.000000","x"\n"2026-01-01 10:00:03.000000","a","b","c","d","e"\n2026-01-01 10:00:04.000000,a,b,c\n\n"2026-01-01 10:00:05.000000"\n`,
  // No header, times in an older Vigil's ISO 8601 form (check-iocs rewrites them), one out of order.
  '"2026-01-02T10:00:00.000Z","test_visits","visit","https://x.example/1"\n"2026-01-01T09:00:00.000Z","test_visits","visit","https://x.example/2"\n"+010000-01-01T00:00:00.000Z","test_visits","visit","far"\n',
  // A quote opened and never closed, then more rows.
  HEADER + '"2026-01-01 10:00:00.000000","sms","message_received","open\n"2026-01-01 10:00:01.000000","sms","message_received","ok"\n',
];

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
  {
    name: "timeline-csv",
    what: "a results folder's timeline.csv read back as vigil report (loadResults, writeHtmlReport) and check-iocs (timelineIsIso, writeTimelineInMvtForm, the Timesketch export) read it: readTimeline in src/report/load-results.ts",
    seeds: async () => [(await fixture()).get("timeline.csv")!, ...CRAFTED_TIMELINES.map((t) => Buffer.from(t))],
    mutators: [...CSV_MUTATORS, ...TEXT_MUTATORS.filter((m) => m !== longLine), flipBit, truncate, deleteRange, splice],
    run: async (input) => {
      const dir = join(scratchDir(), "timeline");
      if (!existsSync(dir)) {
        mkdirSync(dir);
        for (const [n, d] of await fixture()) writeFileSync(join(dir, n), d);
      }
      const path = join(dir, "timeline.csv");
      writeFileSync(path, input);
      // check-iocs: the timeline goes into the new results folder, rewritten when its times are ISO 8601.
      timelineIsIso(path);
      await writeTimelineInMvtForm(path, join(scratchDir(), "timeline-copy.csv"));
      let lines = 0;
      for await (const _ of timesketchLines(loadResults(dir))) lines++;
      // vigil report.
      await writeHtmlReport(dir, { lang: "en", out: join(scratchDir(), "timeline-report.html") });
      return lines;
    },
  },
];
