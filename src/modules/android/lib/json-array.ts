// Streams the elements of a top-level JSON array (androidqf's files.json can list every file of
// the device): each element is cut out by tracking nesting and strings, then JSON.parse'd on its
// own, so memory holds one element at a time rather than the whole document.
import type { Readable } from "node:stream";
import { VigilError } from "../../../core/errors.ts";

export async function* jsonArrayElements(stream: Readable | AsyncIterable<Buffer | string>, file: string, what: string): AsyncGenerator<unknown> {
  const decoder = new TextDecoder("utf-8");
  const bad = (why: string) => new VigilError(`not valid JSON (expected ${what}; ${why})`, { file });
  let started = false;
  let ended = false;
  let depth = 0;
  let inString = false;
  let escaped = false;
  let buf = "";
  let pos = 0;
  let elementStart = -1;
  let index = 0;
  const parse = (text: string): unknown => {
    try {
      return JSON.parse(text);
    } catch {
      throw bad(`element ${index + 1} is malformed`);
    }
  };
  for await (const chunk of stream as AsyncIterable<Buffer | string>) {
    buf += typeof chunk === "string" ? chunk : decoder.decode(chunk, { stream: true });
    for (; pos < buf.length; pos++) {
      const c = buf.charCodeAt(pos);
      if (inString) {
        if (escaped) escaped = false;
        else if (c === 92 /* \ */) escaped = true;
        else if (c === 34 /* " */) inString = false;
        continue;
      }
      if (c === 32 || c === 10 || c === 13 || c === 9 || c === 0xfeff) continue;
      if (!started) {
        if (c !== 91 /* [ */) throw bad("the file does not start with a list");
        started = true;
        continue;
      }
      if (ended) throw bad("text after the end of the list");
      if (depth === 0 && (c === 44 /* , */ || c === 93 /* ] */)) {
        if (elementStart >= 0) {
          yield parse(buf.slice(elementStart, pos));
          index++;
          elementStart = -1;
        } else if (c === 44) throw bad(`empty element ${index + 1}`);
        if (c === 93) ended = true;
        continue;
      }
      if (elementStart < 0) elementStart = pos;
      if (c === 34) inString = true;
      else if (c === 123 || c === 91) depth++;
      else if (c === 125 || c === 93) {
        if (--depth < 0) throw bad("unbalanced brackets");
      }
    }
    // Keep only the unfinished element.
    const keep = elementStart >= 0 ? elementStart : pos;
    buf = buf.slice(keep);
    pos -= keep;
    if (elementStart >= 0) elementStart = 0;
  }
  if (!started) throw bad("the file is empty");
  if (!ended) throw bad("truncated");
}
