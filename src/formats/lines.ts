// Lines of a text: streamed from a file of any size, or split from a whole string.
import type { Readable } from "node:stream";

/** Lines of a stream, split on \n with a trailing \r removed; never holds more than one chunk. */
export async function* readLines(stream: Readable | AsyncIterable<Buffer | string>): AsyncGenerator<string> {
  let rest = "";
  const decoder = new TextDecoder("utf-8");
  for await (const chunk of stream as AsyncIterable<Buffer | string>) {
    const text = rest + (typeof chunk === "string" ? chunk : decoder.decode(chunk, { stream: true }));
    let start = 0;
    let nl: number;
    while ((nl = text.indexOf("\n", start)) !== -1) {
      let end = nl;
      if (end > start && text.charCodeAt(end - 1) === 13) end--;
      yield text.slice(start, end);
      start = nl + 1;
    }
    rest = text.slice(start);
  }
  rest += decoder.decode();
  if (rest.length) yield rest.endsWith("\r") ? rest.slice(0, -1) : rest;
}

/** Lines of a whole text, split on \n with a trailing \r removed. */
export function toLines(text: string): string[] {
  const lines = text.split("\n");
  for (let i = 0; i < lines.length; i++) if (lines[i].endsWith("\r")) lines[i] = lines[i].slice(0, -1);
  return lines;
}
