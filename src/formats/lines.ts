// Lines of a text: streamed from a file of any size, or split from a whole string.
import type { Readable } from "node:stream";

/** The longest line kept whole, in characters: the rest of a longer line is dropped. */
export const MAX_LINE = 8 * 1024 * 1024;

export interface ReadLinesOptions {
  /** Characters kept of one line (default MAX_LINE). */
  maxLine?: number;
  /** Told of each line longer than maxLine (1-based number, full length in characters), which is yielded cut. */
  onLong?: (line: number, length: number) => void;
}

/**
 * Lines of a stream, split on \n with a trailing \r removed. Work is linear in the input: each
 * chunk is searched once, and a line that spans chunks is kept as its pieces until its end (never
 * searched again). Memory per line is bounded by maxLine: a longer line is cut, and onLong says so.
 */
export async function* readLines(stream: Readable | AsyncIterable<Buffer | string>, opts: ReadLinesOptions = {}): AsyncGenerator<string> {
  const max = opts.maxLine ?? MAX_LINE;
  const decoder = new TextDecoder("utf-8");
  // The line being read, when it spans chunks: its kept pieces, their length, and what was dropped.
  let parts: string[] = [];
  let kept = 0;
  let dropped = 0;
  let n = 0;
  const add = (piece: string) => {
    const room = max - kept;
    if (piece.length <= room) {
      parts.push(piece);
      kept += piece.length;
    } else {
      if (room > 0) parts.push(piece.slice(0, room));
      kept = max;
      dropped += piece.length - Math.max(room, 0);
    }
  };
  const end = (): string => {
    n++;
    let line = parts.length === 1 ? parts[0] : parts.join("");
    if (dropped) opts.onLong?.(n, kept + dropped);
    else if (line.charCodeAt(line.length - 1) === 13) line = line.slice(0, -1);
    parts = [];
    kept = 0;
    dropped = 0;
    return line;
  };
  for await (const chunk of stream as AsyncIterable<Buffer | string>) {
    const text = typeof chunk === "string" ? chunk : decoder.decode(chunk, { stream: true });
    let start = 0;
    let nl: number;
    while ((nl = text.indexOf("\n", start)) !== -1) {
      if (kept === 0 && dropped === 0 && nl - start <= max) {
        // The whole line is in this chunk: no copy of pieces.
        n++;
        yield text.slice(start, nl > start && text.charCodeAt(nl - 1) === 13 ? nl - 1 : nl);
      } else {
        add(text.slice(start, nl));
        yield end();
      }
      start = nl + 1;
    }
    if (start < text.length) add(start === 0 ? text : text.slice(start));
  }
  const tail = decoder.decode();
  if (tail) add(tail);
  if (kept || dropped) yield end();
}

/** Lines of a whole text, split on \n with a trailing \r removed. */
export function toLines(text: string): string[] {
  const lines = text.split("\n");
  for (let i = 0; i < lines.length; i++) if (lines[i].endsWith("\r")) lines[i] = lines[i].slice(0, -1);
  return lines;
}
