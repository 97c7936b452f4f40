// Runs in the report's page (test/unit/report/browser.test.ts): what is wrong with its layout. The
// page or an element scrolling sideways, a table reaching past its section's right edge, an
// ordinary word (letters only, outside code) broken across two lines. Plain JavaScript: the
// tests' TypeScript has no DOM types.
(() => {
  const out = [];
  const name = (el) => `${el.tagName.toLowerCase()}${el.id ? "#" + el.id : ""}${el.className && typeof el.className === "string" ? "." + el.className.split(" ").join(".") : ""}`;
  const root = document.documentElement;
  if (root.scrollWidth > root.clientWidth) {
    const past = [...document.querySelectorAll("body *")].filter((el) => el.getBoundingClientRect().right > root.clientWidth + 1).map(name);
    out.push(`page scrolls sideways: ${root.scrollWidth} > ${root.clientWidth} (${past.slice(-3).join(", ")})`);
  }
  for (const el of document.querySelectorAll("body *")) {
    const st = getComputedStyle(el);
    if (/(auto|scroll)/.test(st.overflowX) && el.scrollWidth > el.clientWidth + 1) out.push(`${name(el)} scrolls sideways: ${el.scrollWidth} > ${el.clientWidth}`);
  }
  for (const t of document.querySelectorAll("table")) {
    const box = (t.closest("section") ?? document.body).getBoundingClientRect();
    // The table's right edge, or that of a cell reaching past it.
    const right = Math.max(t.getBoundingClientRect().right, ...[...t.querySelectorAll("th, td")].map((c) => c.getBoundingClientRect().right));
    if (t.getBoundingClientRect().width > 0 && right > box.right + 1) out.push(`${name(t)} cut off: its right edge ${Math.round(right)} > ${Math.round(box.right)}`);
  }
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  const range = document.createRange();
  for (let n = walker.nextNode(); n; n = walker.nextNode()) {
    const parent = n.parentElement;
    if (!parent || parent.closest("code, pre, script, style, svg, .hash, option, select")) continue;
    const text = n.textContent ?? "";
    for (const token of text.matchAll(/\S+/g)) {
      // An ordinary word: letters (an apostrophe or a hyphen inside), with punctuation around it.
      if (!/^[«"(\[]*[\p{L}]+(?:['’-][\p{L}]+)*[»")\].,;:!?]*$/u.test(token[0])) continue;
      for (const w of token[0].matchAll(/\p{L}+/gu)) {
        if (w[0].length < 2) continue;
        const start = token.index + w.index;
        range.setStart(n, start);
        range.setEnd(n, start + w[0].length);
        const tops = new Set([...range.getClientRects()].filter((r) => r.width > 0).map((r) => Math.round(r.top)));
        if (tops.size > 1) out.push(`word broken across lines: "${w[0]}" in ${name(parent)}`);
      }
    }
  }
  return out;
})()
