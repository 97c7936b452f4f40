import { VigilError } from "../core/errors.js";
const PROP_RE = /^\[([^\]]+)\]: \[(.*)\]\s*$/;
const OPEN_RE = /^\[([^\]]+)\]: \[(.*)$/;
function parseGetprop(lines, file) {
  const properties = [];
  let skipped = 0;
  let nonEmpty = 0;
  let open;
  for (const raw of lines) {
    const line = raw.endsWith("\r") ? raw.slice(0, -1) : raw;
    if (open) {
      if (line.endsWith("]")) {
        open.value += "\n" + line.slice(0, -1);
        properties.push(open);
        open = void 0;
      } else open.value += "\n" + line;
      continue;
    }
    if (!line.trim()) continue;
    nonEmpty++;
    const m = PROP_RE.exec(line);
    if (m) {
      properties.push({ name: m[1], value: m[2] });
      continue;
    }
    const o = OPEN_RE.exec(line);
    if (o) {
      open = { name: o[1], value: o[2] };
      continue;
    }
    skipped++;
  }
  if (open) skipped++;
  if (nonEmpty > 0 && properties.length === 0) throw new VigilError('not a getprop output (no "[name]: [value]" line)', { file });
  return { properties, skipped };
}
export {
  parseGetprop
};
