// Streams the records of a module's JSON file from a results folder, one at a time. Vigil's
// JsonArrayWriter puts "[" on the first line and each record on a line of its own (JSON text
// holds no raw newline), so a line is a record; a file laid out otherwise (an MVT folder, an
// edited copy) is parsed whole, up to a size that fits in memory.
import { createReadStream, existsSync, readFileSync, statSync } from "node:fs";
import { VigilError } from "../core/errors.ts";
import { isRegularFile } from "../core/regular-file.ts";
import { readLines } from "../formats/lines.ts";

/** Largest JSON file not in Vigil's one-record-a-line layout that is parsed whole. */
const WHOLE_PARSE_MAX = 256 * 1024 * 1024;

function bad(path: string, e: unknown): VigilError {
  return new VigilError(`not valid JSON (${(e as Error).message.split("\n")[0]})`, { file: path, code: "json", cause: e });
}

/** Every record of a module JSON file (an array; a single object counts as one record). */
export async function* readModuleRecords(path: string): AsyncGenerator<unknown> {
  // A FIFO would block the read for ever, a device give endless data.
  if (existsSync(path) && !isRegularFile(path)) throw new VigilError("not a regular file", { file: path, code: "json" });
  // A line is held whole up to the size read whole: a longer one (a line past 512 MB would not
  // fit in a string) is refused as the whole read refuses a file.
  const tooLong = () => {
    throw new VigilError(`has a line of more than ${WHOLE_PARSE_MAX / 1024 / 1024} MB; too big to read`, { file: path, code: "json" });
  };
  const lines = readLines(createReadStream(path, "utf8"), { maxLine: WHOLE_PARSE_MAX, onLong: tooLong });
  let first: string | undefined;
  let lineLayout = false;
  let yielded = 0;
  for await (const raw of lines) {
    if (first === undefined) {
      first = raw.trim();
      if (first === "[]" || first === "") return;
      if (first !== "[") break;
      lineLayout = true;
      continue;
    }
    const line = raw.trim();
    if (line === "]" || line === "") continue;
    const text = line.endsWith(",") ? line.slice(0, -1) : line;
    let rec: unknown;
    try {
      rec = JSON.parse(text);
    } catch (e) {
      // A damaged line after good ones; or, on the first record, another layout (read whole below).
      if (yielded) throw bad(path, e);
      lineLayout = false;
      break;
    }
    yielded++;
    yield rec;
  }
  if (lineLayout || first === undefined) return;
  if (statSync(path).size > WHOLE_PARSE_MAX) throw new VigilError("too big to read whole and not in Vigil's one-record-a-line layout", { file: path, code: "json" });
  let doc: unknown;
  try {
    doc = JSON.parse(readFileSync(path, "utf8"));
  } catch (e) {
    throw bad(path, e);
  }
  for (const r of Array.isArray(doc) ? doc : [doc]) yield r;
}
