// decodeRow reads a row made by timelineRow at its quotes; any other text goes to parseCsv. Both
// must give the same fields.
import assert from "node:assert/strict";
import { test } from "node:test";
import { timelineToIso } from "../../../src/core/time.ts";
import { parseCsv } from "../../../src/report/csv.ts";
import { decodeRow, timelineRow } from "../../../src/report/timeline-row.ts";

const byParseCsv = (row: string) => {
  const f = parseCsv(row).next().value ?? [];
  const ts = f[0] ?? "";
  return { timestamp: timelineToIso(ts) ?? ts, module: f[1] ?? "", event: f[2] ?? "", description: f[3] ?? "" };
};

test("rows made by timelineRow and other CSV text decode as parseCsv reads them", () => {
  const texts = ["", "plain", 'a "quoted" word', '"', '""', '","', 'a","b', 'ends with "', '"starts', "line\r\nbreak", "comma, and\ttab", "\u00e9\u4e2d\ud83d\ude00", "\u0000nul"];
  const rows: string[] = [];
  for (const d of texts) for (const e of ["dns_lookup", 'odd"event', ""]) rows.push(timelineRow("2024-03-20T09:00:00.000Z", "dns", e, d));
  rows.push(
    '"a","b","c","d"', // no line end
    '"a","b","c","d"\n', // a bare LF: left to parseCsv
    '"a","b","c"\r\n', // three fields
    '"a","b","c","d","e"\r\n', // five
    'a,"b","c","d"\r\n', // an unquoted field
    '"a"x,"b","c","d"\r\n', // text after a closing quote
    '"a"x"b","c","d"\r\n', // text and a quote after a closing quote
    '"a","b","c","d', // an unclosed quote
    "",
  );
  for (const r of rows) assert.deepEqual(decodeRow(r), byParseCsv(r), JSON.stringify(r));
  assert.deepEqual(decodeRow(timelineRow("t", "m", "e", 'say "hi", then\r\nleave')), { timestamp: "t", module: "m", event: "e", description: 'say "hi", then\r\nleave' });
});
