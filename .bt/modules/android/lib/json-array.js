import { VigilError } from "../../../core/errors.js";
async function* jsonArrayElements(stream, file, what) {
  const decoder = new TextDecoder("utf-8");
  const bad = (why) => new VigilError(`not valid JSON (expected ${what}; ${why})`, { file });
  let started = false;
  let ended = false;
  let depth = 0;
  let inString = false;
  let escaped = false;
  let buf = "";
  let pos = 0;
  let elementStart = -1;
  let index = 0;
  const parse = (text) => {
    try {
      return JSON.parse(text);
    } catch {
      throw bad(`element ${index + 1} is malformed`);
    }
  };
  for await (const chunk of stream) {
    buf += typeof chunk === "string" ? chunk : decoder.decode(chunk, { stream: true });
    for (; pos < buf.length; pos++) {
      const c = buf.charCodeAt(pos);
      if (inString) {
        if (escaped) escaped = false;
        else if (c === 92) escaped = true;
        else if (c === 34) inString = false;
        continue;
      }
      if (c === 32 || c === 10 || c === 13 || c === 9 || c === 65279) continue;
      if (!started) {
        if (c !== 91) throw bad("the file does not start with a list");
        started = true;
        continue;
      }
      if (ended) throw bad("text after the end of the list");
      if (depth === 0 && (c === 44 || c === 93)) {
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
    const keep = elementStart >= 0 ? elementStart : pos;
    buf = buf.slice(keep);
    pos -= keep;
    if (elementStart >= 0) elementStart = 0;
  }
  if (!started) throw bad("the file is empty");
  if (!ended) throw bad("truncated");
}
export {
  jsonArrayElements
};
