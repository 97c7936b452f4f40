function csvRow(fields) {
  let out = "";
  for (let i = 0; i < fields.length; i++) {
    out += (i ? ',"' : '"') + csvField(String(fields[i] ?? "")) + '"';
  }
  return out + "\r\n";
}
function csvField(s) {
  return s.includes('"') ? s.replace(/"/g, '""') : s;
}
function* parseCsv(text) {
  let row = [];
  let field = "";
  let quoted = false;
  let i = 0;
  const n = text.length;
  while (i < n) {
    const c = text[i];
    if (quoted) {
      if (c === '"') {
        if (text[i + 1] === '"') {
          field += '"';
          i += 2;
          continue;
        }
        quoted = false;
        i++;
        continue;
      }
      field += c;
      i++;
      continue;
    }
    if (c === '"') {
      quoted = true;
      i++;
    } else if (c === ",") {
      row.push(field);
      field = "";
      i++;
    } else if (c === "\r" || c === "\n") {
      row.push(field);
      field = "";
      if (c === "\r" && text[i + 1] === "\n") i++;
      i++;
      yield row;
      row = [];
    } else {
      field += c;
      i++;
    }
  }
  if (field !== "" || row.length) {
    row.push(field);
    yield row;
  }
}
export {
  csvField,
  csvRow,
  parseCsv
};
