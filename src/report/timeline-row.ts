// The rows of timeline.csv as the timeline store keeps and sorts them: each event is its final CSV
// row, its fields cleaned of the record separator that ends rows in the store's spill files.
import { isoToMvt, timelineToIso } from "../core/time.ts";
import { csvField, parseCsv } from "./csv.ts";

/** Record separator of the spill files; replaced by a space inside fields. */
const RS = "\u0000";

function clean(s: string): string {
  return s.indexOf(RS) >= 0 ? s.replaceAll(RS, " ") : s;
}

/**
 * One timeline.csv row, as MVT writes it (every field quoted, CRLF), from an event's ISO 8601
 * time: the row holds it in MVT's form, "YYYY-MM-DD HH:MM:SS.ffffff" (isoToMvt). Events are
 * stored as their final rows: sorting rows sorts by time first (the timestamp leads, in one
 * fixed-width form whose bytes sort as its times do), and writing the merged stream needs no
 * further formatting.
 */
export function timelineRow(timestamp: string, module: string, event: string, description: string): string {
  // join() makes one flat string. A template literal would keep a tree of string pieces alive
  // until the spill, holding on to every piece of the description (URLs, message texts).
  return ['"', csvField(clean(isoToMvt(timestamp))), middle(module, event), csvField(clean(description)), '"\r\n'].join("");
}

/** The `","module","event","` part of rows, per module and event: a module has few event names (a saving of about 1 k instructions per row). */
const middles = new Map<string, Map<string, string>>();
const MIDDLES_PER_MODULE = 256;

function middle(module: string, event: string): string {
  let byEvent = middles.get(module);
  if (!byEvent) {
    byEvent = new Map();
    if (middles.size < MIDDLES_PER_MODULE) middles.set(module, byEvent);
  }
  let s = byEvent.get(event);
  if (s === undefined) {
    s = ['","', csvField(clean(module)), '","', csvField(clean(event)), '","'].join("");
    // Module and event names are Vigil's own words; were they ever data, memory stays bounded.
    if (byEvent.size < MIDDLES_PER_MODULE) byEvent.set(event, s);
  }
  return s;
}

/** The fields of a row made by timelineRow, its time back in ISO 8601. */
export function decodeRow(row: string): { timestamp: string; module: string; event: string; description: string } {
  const f = quotedFields(row) ?? parseCsv(row).next().value ?? [];
  const ts = f[0] ?? "";
  return { timestamp: timelineToIso(ts) ?? ts, module: f[1] ?? "", event: f[2] ?? "", description: f[3] ?? "" };
}

/**
 * The four fields of a row exactly as timelineRow writes it, cut at its quotes (parseCsv builds
 * each field a character at a time: the HTML report decodes every row near a detection).
 * Undefined for any other text, which parseCsv then reads.
 */
function quotedFields(row: string): string[] | undefined {
  const fields: string[] = [];
  let i = 0;
  for (let k = 0; k < 4; k++) {
    if (row.charCodeAt(i) !== 0x22) return undefined;
    let j = row.indexOf('"', i + 1);
    let doubled = false;
    while (j >= 0 && row.charCodeAt(j + 1) === 0x22) {
      doubled = true;
      j = row.indexOf('"', j + 2);
    }
    if (j < 0) return undefined;
    const text = row.slice(i + 1, j);
    fields.push(doubled ? text.replaceAll('""', '"') : text);
    i = j + 1;
    if (k < 3) {
      if (row.charCodeAt(i) !== 0x2c) return undefined;
      i++;
    } else if (!(i === row.length || (i + 2 === row.length && row.charCodeAt(i) === 0x0d && row.charCodeAt(i + 1) === 0x0a))) return undefined;
  }
  return fields;
}
