const URL_RE = /\bhttps?:\/\/[^\s<>"'`\u0000-\u001f\u007f]+/gi;
const TRAILING = /[.,;:!?)\]}'"»”’]+$/;
function extractLinks(text) {
  if (!text || text.indexOf("://") < 0) return [];
  const found = text.match(URL_RE);
  if (!found) return [];
  const out = [];
  for (let u of found) {
    u = stripTrailing(u);
    if (u.length > 8 && !out.includes(u)) out.push(u);
  }
  return out;
}
function stripTrailing(u) {
  let s = u.replace(TRAILING, "");
  if (u.length > s.length && u[s.length] === ")" && s.includes("(") && !s.includes(")")) s += ")";
  return s;
}
function hostOf(url) {
  try {
    return new URL(url).hostname.toLowerCase();
  } catch {
    return void 0;
  }
}
function isWhatsAppInfraLink(url) {
  const i = url.indexOf("whatsapp.net");
  if (i < 0) return false;
  const host = hostOf(url);
  return host === "whatsapp.net" || host !== void 0 && host.endsWith(".whatsapp.net");
}
function emailOf(handle) {
  if (!handle) return void 0;
  let s = handle.trim();
  if (s.toLowerCase().startsWith("mailto:")) s = s.slice(7);
  s = s.replace(/^['"<]+|['">]+$/g, "");
  const at = s.indexOf("@");
  if (at <= 0 || at === s.length - 1 || /\s/.test(s)) return void 0;
  const domain = s.slice(at + 1).toLowerCase();
  if (domain === "s.whatsapp.net" || domain === "g.us" || domain === "lid" || domain === "broadcast") return void 0;
  if (!domain.includes(".")) return void 0;
  return s;
}
function oneLine(text, max = 300) {
  if (!text) return "";
  if (text.length <= max && text.indexOf("\n") < 0) return text;
  let s = text.replace(/\r?\n/g, "\\n");
  if (s.length > max) s = s.slice(0, max - 1) + "\u2026";
  return s;
}
export {
  emailOf,
  extractLinks,
  hostOf,
  isWhatsAppInfraLink,
  oneLine
};
