// Renders report.html: one self-contained file (inline CSS and script, no fonts, images or
// requests). Everything is rendered on the server side in the chosen language, so the verdict,
// detections, coverage and overview read fine with JavaScript off; the script only adds
// language switching, filtering and timeline zoom.
import { readFileSync } from "node:fs";
import type { Coverage, DatasetInfo, Detection, Exposure, Grade, InformationalAlert, Message, MessageParams, Summary, Verdict } from "../../core/model.ts";
import { GRADES } from "../../core/model.ts";
import { toJson } from "../json-writer.ts";
import type { LoadedResults } from "../load-results.ts";
import { coverageArgs, deviceFacts, FIRST_REAL_DAY, lockdownState, spanOfDays, summarize } from "../summary.ts";
import { catalogs, msg, translator } from "../../core/i18n/index.ts";
import { coverageReason, detectionTitle, detectionWhy, moduleTitle, ruleDescription, type Localized } from "../localize.ts";
import { exploitedFlaws, flawMessages, meaningKey, readerParams } from "../exposure.ts";
import type { ReportData } from "./data.ts";
import { isGap, MAX_EMPTY_DRAWN, timelineAxis, type Day, type TimelineAxis } from "./timeline-axis.ts";
import { srcAsset } from "../../core/paths.ts";

const CSS = readFileSync(srcAsset("report", "html", "style.css"), "utf8");
const CLIENT = readFileSync(srcAsset("report", "html", "client.js"), "utf8");

export function esc(s: unknown): string {
  return String(s ?? "").replace(/[&<>"']/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" })[c]!);
}

/** JSON inside <script>: "<" escaped so no string can close the element. */
function scriptJson(v: unknown): string {
  return toJson(v).replace(/</g, "\\u003c").replace(/\u2028/g, "\\u2028").replace(/\u2029/g, "\\u2029");
}

type T = ReturnType<typeof translator>;

/** A translatable element: text in the default language, key (and arguments) for the script. */
function tr(t: T, key: string, args?: MessageParams, tag = "span", attrs = ""): string {
  const a = args ? ` data-i18n-args="${esc(JSON.stringify(args))}"` : "";
  return `<${tag} data-i18n="${esc(key)}"${a}${attrs ? " " + attrs : ""}>${esc(t(key, args))}</${tag}>`;
}

/**
 * A text in the reader's language. When it came from a catalog message, the element carries the
 * message (and its English text) so that the page's language switch can render it again.
 */
function trl(loc: Localized, tag = "span"): string {
  if (!loc.message) return esc(loc.text);
  const a = loc.message.params ? ` data-i18n-args="${esc(JSON.stringify(loc.message.params))}"` : "";
  return `<${tag} data-i18n="${esc(loc.message.id)}"${a} data-i18n-en="${esc(loc.english)}">${esc(loc.text)}</${tag}>`;
}

/** Turns the URLs in a catalog sentence into links (they are only followed when clicked). */
function linkify(html: string): string {
  return html.replace(/https:\/\/[^\s)&<]+[^\s)&<.,]/g, (u) => `<a href="${u}" rel="noreferrer noopener">${u}</a>`);
}

function fmtTime(ts?: string): string {
  return ts ? ts.replace("T", " ").replace(/\.\d+Z$/, " UTC").replace(/Z$/, " UTC") : "";
}

function detectionCard(t: T, lang: string, d: Detection, i: number, ctx: ReportData["context"][number], titles: Map<string, Localized>): string {
  const where = titles.get(d.module) ?? { text: d.module, english: d.module };
  const title = detectionTitle(lang, d);
  const ind = d.matched_indicator;
  const rows: string[] = [];
  const row = (key: string, value: string) => rows.push(`<tr><th>${tr(t, key)}</th><td>${value}</td></tr>`);
  row("field.where", `${trl(where)} <code>${esc(d.module)}</code>`);
  row("field.file", `<code>${esc(d.artifact)}</code>`);
  row("field.when", d.timestamp ? `<time datetime="${esc(d.timestamp)}">${esc(fmtTime(d.timestamp))}</time>` : tr(t, "field.unknown_time"));
  if (ind) {
    row("field.indicator", `<code>${esc(ind.value)}</code> (${esc(ind.type)})`);
    row("field.set", esc(ind.name));
    row("field.source", `<code>${esc(ind.source || ind.stix2_file_name)}</code>${ind.sha256 ? ` <small>sha256 ${esc(ind.sha256.slice(0, 16))}…</small>` : ""}`);
  }
  const rule = ruleDescription(lang, d);
  if (d.rule && rule) row("field.rule", `<code>${esc(d.rule.id)}</code> — ${trl(rule)}`);
  if (d.mvt) row("field.mvt", `<code>${esc(d.mvt.level)}</code>${d.mvt.message ? ` ${esc(d.mvt.message)}` : ""}`);
  const whyText = detectionWhy(lang, d);
  const why = whyText ? trl(whyText) : ind ? tr(t, "why.indicator", { set: ind.name }) : "";
  if (why) row("field.why", why);
  const context = ctx?.length
    ? `<details class="ctx"><summary>${tr(t, "field.context")}</summary>${tr(t, "field.context.as_recorded", undefined, "p", 'class="muted note"')}<table class="events">${ctx
        .map((e) => `<tr${e.timestamp === d.timestamp ? ' class="hit"' : ""}><td><time>${esc(fmtTime(e.timestamp))}</time></td><td><code>${esc(e.module)}</code></td><td>${esc(e.event)}</td><td>${esc(e.description)}</td></tr>`)
        .join("")}</table></details>`
    : "";
  const raw = d.record !== undefined ? `<details class="raw"><summary>${tr(t, "field.raw")}</summary><pre>${esc(toJson(d.record, 2))}</pre></details>` : "";
  const search = [d.title, title.text, d.module, where.text, d.matched, ind?.value, ind?.name, d.rule?.id].join(" ").toLowerCase();
  return `<article class="det g-${d.grade}" id="det-${i}" data-grade="${d.grade}" data-day="${esc(d.timestamp?.slice(0, 10) ?? "")}" data-search="${esc(search)}">
<h4><span class="badge">${tr(t, `kind.${d.kind}`)}</span> ${trl(title)}</h4>
<table class="kv">${rows.join("")}</table>${context}${raw}</article>`;
}

function overviewSvg(t: T, axis: TimelineAxis): string {
  const { slots } = axis;
  if (!slots.length) return "";
  const W = 1000;
  const H = 120;
  const days = slots.filter((x): x is Day => !isGap(x));
  const max = Math.max(1, ...days.map((d) => d.count));
  const bw = W / slots.length;
  const bars = slots
    .map((d, i) => {
      const x = (i * bw).toFixed(2);
      if (isGap(d)) {
        const mid = (i * bw + bw / 2).toFixed(2);
        return `<g class="gap"><rect x="${x}" y="0" width="${bw.toFixed(2)}" height="${H}"></rect><line x1="${mid}" y1="0" x2="${mid}" y2="${H}"></line><title>${esc(t("timeline.gap", { from: d.from, to: d.to, days: d.days }))}</title></g>`;
      }
      const h = Math.max(d.count ? 1 : 0, Math.round((Math.log1p(d.count) / Math.log1p(max)) * (H - 14)));
      const mark = d.detections ? `<rect class="mark" x="${x}" y="0" width="${Math.max(bw, 2).toFixed(2)}" height="8"><title>${esc(d.day)}: ${d.detections}</title></rect>` : "";
      return `<rect class="bar" x="${x}" y="${H - h}" width="${Math.max(bw - 0.5, 0.5).toFixed(2)}" height="${h}"><title>${esc(d.day)}: ${d.count}</title></rect>${mark}`;
    })
    .join("");
  return `<svg id="overview" viewBox="0 0 ${W} ${H}" preserveAspectRatio="none" role="img" aria-label="${esc(t("timeline.chart_label"))}">${bars}</svg>
<div class="axis"><span>${esc(days[0].day)}</span><span>${esc(days[days.length - 1].day)}</span></div>`;
}

/** What the chart leaves out: skipped empty stretches, and events at placeholder dates. */
function axisNotes(t: T, axis: TimelineAxis): string {
  const out: string[] = [];
  if (axis.gaps.length) {
    const shown = axis.gaps.slice(0, 8).map((g) => `<li>${tr(t, "timeline.gap", { from: g.from, to: g.to, days: g.days })}</li>`);
    if (axis.gaps.length > 8) shown.push(`<li>${tr(t, "timeline.gaps_more", { n: axis.gaps.length - 8 })}</li>`);
    out.push(`<div id="gaps" class="note-block"><p>${tr(t, "timeline.gaps", { n: axis.gaps.length, max: MAX_EMPTY_DRAWN })}</p><ul>${shown.join("")}</ul></div>`);
  }
  if (axis.placeholders.length) {
    const n = axis.placeholders.reduce((a, d) => a + d.count, 0);
    const list = axis.placeholders.map((d) => `<li>${tr(t, "timeline.placeholder_day", { day: d.day, n: d.count })}</li>`).join("");
    out.push(`<div id="placeholders" class="note-block"><p>${tr(t, "timeline.placeholders", { n, before: FIRST_REAL_DAY.slice(0, 4) })}</p><ul>${list}</ul></div>`);
  }
  return out.join("\n");
}

function coverageTable(t: T, lang: string, coverage: Coverage[] | undefined, titles: Map<string, Localized>): string {
  if (!coverage) return `<p>${tr(t, "coverage.unknown")}</p>`;
  const order: Record<string, number> = { failed: 0, checked: 1, absent: 2, not_applicable: 3 };
  const rows = [...coverage]
    .filter((c) => c.status !== "not_applicable")
    .map((c) => ({ c, title: titles.get(c.module) ?? { text: c.title, english: c.title } }))
    .sort((a, b) => order[a.c.status] - order[b.c.status] || a.title.text.localeCompare(b.title.text, lang))
    .map(({ c, title }) => {
      const reason = coverageReason(lang, c);
      return `<tr class="cov-${c.status}"><td>${trl(title)}<br><code>${esc(c.module)}</code></td><td>${tr(t, `coverage.${c.status}`)}${c.limited ? ` <small>(${tr(t, "coverage.limited")})</small>` : ""}</td><td class="num">${c.records !== undefined ? `<span class="lbl">${tr(t, "coverage.records")} </span>${c.records}` : ""}</td><td>${reason ? trl(reason) : ""}${c.warnings?.length ? `<br><small class="warnings">${c.warnings.map(esc).join("<br>")}</small>` : ""}</td></tr>`;
    })
    .join("");
  return `<p>${tr(t, "coverage.intro")} ${tr(t, "coverage.warnings_as_recorded")}</p><table class="cov"><thead><tr><th>${tr(t, "coverage.module")}</th><th>${tr(t, "coverage.status")}</th><th>${tr(t, "coverage.records")}</th><th>${tr(t, "coverage.detail")}</th></tr></thead><tbody>${rows}</tbody></table>`;
}

function deviceSection(t: T, results: LoadedResults, span: Summary["span"]): string {
  const info = results.info;
  const d = info?.device;
  if (!info && !results.exposure.length && !span) return "";
  const rows: string[] = [];
  const row = (key: string, v: unknown) => {
    if (v !== undefined && v !== null && v !== "") rows.push(`<tr><th>${tr(t, key)}</th><td>${esc(v)}</td></tr>`);
  };
  row("device.platform", d?.platform);
  // Name, model, OS, build, Lockdown Mode, acquisition date, span: the same facts as the terminal.
  const facts = deviceFacts(d, results.exposure, span, t);
  for (const [key, value] of facts) {
    if (key === "device.lockdown") {
      const state = lockdownState(results.exposure);
      rows.push(`<tr data-fact="${esc(key)}"><th>${tr(t, key)}</th><td>${tr(t, state ? `device.lockdown.${state}` : "device.lockdown.unknown")}</td></tr>`);
    } else if (key === "device.span" && span) {
      rows.push(`<tr data-fact="${esc(key)}"><th>${tr(t, key)}</th><td>${tr(t, "device.span.value", { from: span.from, to: span.to })}</td></tr>`);
    } else {
      rows.push(`<tr data-fact="${esc(key)}"><th>${tr(t, key)}</th><td>${esc(value)}</td></tr>`);
    }
  }
  row("device.patch", d?.patchLevel);
  if (info) {
    row("device.acquisition", `${info.acquisition.kind} — ${info.acquisition.path}`);
    rows.push(`<tr><th>${tr(t, "device.encrypted")}</th><td>${tr(t, info.acquisition.encrypted ? "device.yes" : "device.no")}</td></tr>`);
  }
  return `<table class="kv">${rows.join("")}</table>`;
}

/** The exposure entries (risks, then context) and the informational entries that are not exposure. */
function exposureSection(t: T, exposure: Exposure[], informational: InformationalAlert[]): string {
  const items = exposure
    .filter((e) => e.kind !== "exploited_flaw")
    .map((e) => {
      const mvt = e.source ? `<p class="muted">${tr(t, "exposure.from_mvt", { level: e.source.level, message: e.source.message })}</p>` : "";
      return `<article class="exposure x-${esc(e.level)}" data-kind="${esc(e.kind)}" data-level="${esc(e.level)}"><h4><span class="badge">${tr(t, `exposure.level.${e.level}`)}</span> ${exposureText(t, e, "title")}</h4><p><strong>${tr(t, "label", { label: msg("exposure.what_it_means") })}</strong> ${exposureText(t, e, "meaning")}</p>${mvt}</article>`;
    })
    .join("");
  const others = informational.filter((i) => !i.exposure);
  const info = others.length
    ? `<h3>${tr(t, "exposure.informational")} <small>(${others.length})</small></h3><ul class="informational">${others.map((i) => `<li><code>${esc(i.module)}</code> ${esc(i.title)}${i.timestamp ? ` <time>${esc(fmtTime(i.timestamp))}</time>` : ""}</li>`).join("")}</ul>`
    : "";
  const flaws = flawsTable(t, exploitedFlaws(exposure));
  return `<p>${tr(t, "exposure.intro")}</p>${items || flaws ? items : `<p>${tr(t, "exposure.none")}</p>`}${flaws}${info}`;
}

/** The exploited flaws the phone was open to: one row each (the campaigns' first), what to look for and why folded. */
function flawsTable(t: T, flaws: Exposure[]): string {
  if (!flaws.length) return "";
  const rows = flaws
    .map((e) => {
      const p = e.params;
      const d = (e.details ?? {}) as { what_to_look_for?: string; reason?: string; sources?: string[]; condition?: string };
      const m = flawMessages(e);
      const usedFor = p.used_for ? esc(p.used_for) : `<span class="muted">${tr(t, "exposure.flaws.unattributed")}</span>`;
      // What to look for is the exposure table's own English text (data/exposure/curated.yaml), shown as written.
      const lookFor = d.what_to_look_for ? `<div class="look-for" lang="en">${tr(t, "exposure.flaws.look_for_as_recorded", undefined, "p", 'class="muted note"')}<p>${linkify(esc(d.what_to_look_for))}</p></div>` : "";
      const words = (w: Message | string | undefined, english: string | undefined) => (w && typeof w === "object" ? tr(t, w.id, w.params, "p") : english ? `<p>${linkify(esc(english))}</p>` : "");
      const more = lookFor + words(m.condition, d.condition) + words(m.reason, d.reason);
      const fixedIn = m.fixed_in && typeof m.fixed_in === "object" ? tr(t, m.fixed_in.id, m.fixed_in.params) : esc(p.fixed_in);
      const sources = d.sources?.length ? `<p class="sources"><small>${d.sources.map((u) => linkify(esc(u))).join(" · ")}</small></p>` : "";
      // On a phone the table's head is hidden: each value gets its column's name.
      const lbl = (k: string) => `<span class="lbl">${tr(t, "label", { label: msg(`exposure.flaws.${k}`) })} </span>`;
      return `<tr data-kind="exploited_flaw" data-cve="${esc(p.cve)}"><td><code>${esc(p.cve)}</code></td><td>${lbl("product")}${esc(p.product)}</td><td>${lbl("used_for")}${usedFor}</td><td>${lbl("date_added")}${esc(p.date_added)}</td><td>${lbl("fixed_in")}${fixedIn}</td><td><details><summary>${tr(t, "exposure.flaws.look_for")}</summary>${more}${sources}</details></td></tr>`;
    })
    .join("");
  const head = ["cve", "product", "used_for", "date_added", "fixed_in", "look_for"].map((k) => `<th>${tr(t, `exposure.flaws.${k}`)}</th>`).join("");
  return `<h3>${tr(t, "exposure.flaws.title", { count: flaws.length })}</h3><p>${tr(t, "exposure.flaws.intro")}</p><table class="list flaws"><thead><tr>${head}</tr></thead><tbody>${rows}</tbody></table>`;
}

/** An exposure entry's title or meaning: from the catalog when it knows the kind (switchable by the script), else the entry's words. */
function exposureText(t: T, e: Exposure, part: "title" | "meaning"): string {
  const key = part === "meaning" ? meaningKey(e) : `exposure.${e.kind}.title`;
  if (t(key) === key) return esc(part === "title" ? e.title : e.what_it_means);
  return tr(t, key, readerParams(e));
}

function missingPart(t: T, summary: Summary, kind: string | undefined): string {
  if (!summary.missing.length) return "";
  const items = summary.missing.map((m) => `<li data-need="${esc(m.need)}">${tr(t, `need.${m.need}`, m.params)}${m.modules.length ? ` <small>(${m.modules.map((x) => `<code>${esc(x)}</code>`).join(", ")})</small>` : ""}</li>`).join("");
  const advice = summary.advice ? `<p class="advice"><strong>${tr(t, "label", { label: msg("verdict.missing.advice") })}</strong> ${tr(t, `advice.${summary.advice.id}`)}</p>` : "";
  return `<div class="missing" data-kind="${esc(kind ?? "")}"><p>${tr(t, "verdict.missing.intro")}</p><ul>${items}</ul>${advice}</div>`;
}

/** The warning that a data set the check used is more than 30 days older than the check. */
function staleDataPart(t: T, datasets: DatasetInfo[] | undefined): string {
  const stale = (datasets ?? []).filter((d) => d.stale);
  if (!stale.length) return "";
  const items = stale
    .map((d) => `<li data-dataset="${esc(d.name)}">${tr(t, `data.name.${d.name}`)}: ${d.date ? tr(t, "data.stale.age", { date: d.date, days: d.age_days ?? "" }) : tr(t, "data.stale.no_date")}</li>`)
    .join("");
  return `<div class="stale-data"><p><strong>${tr(t, "data.stale.title")}</strong> ${tr(t, "data.stale.intro")}</p><ul>${items}</ul></div>`;
}

/** The data sets of the check: each with its kind, date, source (for files given with --iocs, the files) and hash. */
function datasetsTable(t: T, datasets: DatasetInfo[] | undefined): string {
  if (!datasets?.length) return "";
  const rows = datasets
    .map((d) => `<tr data-dataset="${esc(d.name)}"${d.stale ? ' class="stale"' : ""}><td>${tr(t, `data.name.${d.name}`)}</td><td>${tr(t, `data.kind.${d.kind}`)}</td><td>${esc(d.date ?? "")}</td><td><code>${esc(d.kind === "given" ? d.path : d.source)}</code></td><td>${d.sha256 ? `<code class="hash">${esc(d.sha256)}</code>` : ""}</td></tr>`)
    .join("");
  return `<details><summary>${tr(t, "provenance.datasets")} (${datasets.length})</summary><table class="list"><thead><tr><th>${tr(t, "provenance.dataset")}</th><th>${tr(t, "provenance.dataset_kind")}</th><th>${tr(t, "provenance.dataset_date")}</th><th>${tr(t, "field.source")}</th><th>SHA-256</th></tr></thead>${rows}</table></details>`;
}

function provenanceSection(t: T, results: LoadedResults): string {
  const info = results.info;
  if (!info) {
    const mvt = results.mvtInfo ? `<pre>${esc(JSON.stringify(results.mvtInfo, null, 2))}</pre>` : "";
    return `<p>${tr(t, "provenance.mvt")}</p>${mvt}`;
  }
  const kv = [
    ["provenance.version", info.version],
    ["provenance.command", `vigil ${info.command.join(" ")}`],
    ["provenance.started", info.started],
    ["provenance.finished", info.finished],
    ["provenance.snapshot", info.iocs.snapshot],
  ]
    .filter(([, v]) => v)
    .map(([k, v]) => `<tr><th>${tr(t, k!)}</th><td>${k === "provenance.snapshot" && info.iocs.snapshot_message ? tr(t, info.iocs.snapshot_message.id, info.iocs.snapshot_message.params) : `<code>${esc(v)}</code>`}</td></tr>`)
    .join("");
  const inputs = info.inputs
    .map((i) => `<tr><td><code>${esc(i.path)}</code></td><td class="num">${i.size}</td><td>${i.error ? esc(i.error) : `<code class="hash">${esc(i.sha256)}</code>`}</td></tr>`)
    .join("");
  const sets = info.iocs.sets
    .map(
      (s) =>
        `<tr><td>${esc(s.name)}${s.indexName && s.indexName !== s.name ? `<br><small>${esc(s.indexName)}</small>` : ""}</td><td><code>${esc(s.source)}</code></td><td class="num"><span class="lbl">${tr(t, "provenance.count")} </span>${Object.values(s.counts).reduce((a, b) => a + (b ?? 0), 0)}</td><td><code class="hash">${esc(s.sha256)}</code></td><td><span class="lbl">${tr(t, "provenance.loaded")} </span>${esc(fmtTime(s.loadedAt))}</td></tr>`,
    )
    .join("");
  return `<p>${tr(t, "provenance.intro")}</p><table class="kv">${kv}</table>
<details><summary>${tr(t, "provenance.inputs")} (${info.inputs.length})</summary><table class="list">${inputs}</table></details>
<details><summary>${tr(t, "provenance.iocs")} (${info.iocs.sets.length})</summary><table class="list"><thead><tr><th>${tr(t, "field.set")}</th><th>${tr(t, "field.source")}</th><th>${tr(t, "provenance.count")}</th><th>SHA-256</th><th>${tr(t, "provenance.loaded")}</th></tr></thead>${sets}</table></details>
${datasetsTable(t, info.datasets)}`;
}

export function renderReport(results: LoadedResults, data: ReportData, lang: string, version: string): string {
  const t = translator(lang);
  const span = spanOfDays(data.days);
  const summary = summarize({ detections: data.detections, coverage: results.coverage ?? [], kind: results.kind, exposure: results.exposure, span, outputDir: results.dir });
  const verdict: Verdict = summary.verdict;
  const failed = (results.coverage ?? []).filter((c) => c.status === "failed").length;
  const platform = results.info?.device?.platform;
  const axis = timelineAxis(data.days);
  const titles = new Map((results.coverage ?? []).map((c) => [c.module, moduleTitle(lang, platform, c)]));

  const byGrade = GRADES.map((g: Grade) => {
    const items = data.detections.map((d, i) => ({ d, i })).filter((x) => x.d.grade === g);
    if (!items.length) return "";
    return `<section class="grade g-${g}"><h3>${tr(t, `grade.${g}`)} <small>(${items.length})</small></h3><p class="muted">${tr(t, `grade.${g}.meaning`)}</p>${items
      .map((x) => detectionCard(t, lang, x.d, x.i, data.context[x.i], titles))
      .join("")}</section>`;
  }).join("");

  const langs = Object.entries(catalogs()).map(([code, c]) => `<option value="${esc(code)}"${code === lang ? " selected" : ""}>${esc(c["lang.name"] ?? code)}</option>`);
  return `<!DOCTYPE html>
<html lang="${esc(lang)}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; script-src 'unsafe-inline'; img-src data:">
<meta name="referrer" content="no-referrer">
<title>${esc(t("title"))}</title>
<style>${CSS}</style>
</head>
<body>
<header>
<div class="top"><h1>${tr(t, "title")}</h1><label class="js-only" hidden>${tr(t, "js.language")} <select id="lang">${langs.join("")}</select></label></div>
<p class="muted">${tr(t, "subtitle")}</p>
<nav><a href="#detections">${tr(t, "nav.detections")}</a> · <a href="#exposure">${tr(t, "nav.exposure")}</a> · <a href="#timeline">${tr(t, "nav.timeline")}</a> · <a href="#coverage">${tr(t, "nav.coverage")}</a> · <a href="#device">${tr(t, "nav.device")}</a> · <a href="#provenance">${tr(t, "nav.provenance")}</a></nav>
</header>
<main>
${results.info?.demo ? `<p id="demo" class="demo" role="note">${tr(t, "demo.banner", undefined, "strong")}</p>` : ""}
<section id="verdict" class="verdict v-${verdict}" data-verdict="${verdict}">
<p class="label">${tr(t, "verdict.label")}</p>
<h2>${tr(t, `verdict.${verdict}`)}</h2>
<p>${tr(t, `verdict.${verdict}.meaning`)}</p>
${summary.incomplete ? `<p class="incomplete">${tr(t, "verdict.incomplete", { n: failed })}</p>` : ""}
${missingPart(t, summary, results.kind)}
<p class="counts">${GRADES.map((g) => `<span class="pill g-${g}" data-grade="${g}" data-count="${summary.detections[g]}">${tr(t, "grade.count", { grade: msg(`grade.${g}`), n: summary.detections[g] })}</span>`).join(" ")}</p>
<p class="coverage-counts"${results.coverage ? ` data-checked="${summary.coverage.checked}" data-failed="${summary.coverage.failed}" data-absent="${summary.coverage.absent}"` : ""}>${results.coverage ? tr(t, "coverage.counts", coverageArgs(summary)) : tr(t, "coverage.counts.unknown")}</p>
${staleDataPart(t, results.info?.datasets)}
<p class="help" data-i18n="help" data-linkify="1">${linkify(esc(t("help")))}</p>
</section>
<section id="detections">
<h2>${tr(t, "detections.title")}</h2>
${data.detections.length ? `<p class="js-only" hidden><input id="filter" type="search" placeholder="${esc(t("detections.filter"))}" data-i18n-placeholder="detections.filter"> <span id="shown"></span></p>${byGrade}` : `<p>${tr(t, "detections.none")}</p>`}
</section>
<section id="exposure">
<h2>${tr(t, "exposure.title")}</h2>
${exposureSection(t, results.exposure, results.informational)}
</section>
<section id="timeline">
<h2>${tr(t, "timeline.title")}</h2>
${data.days.length ? `<p class="muted">${tr(t, "timeline.overview")} ${tr(t, "timeline.events", { n: data.totalEvents, d: data.days.length })}</p>
${axis.slots.length ? `<div class="js-only zoom" hidden><strong>${tr(t, "timeline.zoom")}</strong> <label>${tr(t, "timeline.from")} <input type="date" id="from"></label> <label>${tr(t, "timeline.to")} <input type="date" id="to"></label> <button id="reset">${tr(t, "timeline.reset")}</button> <button id="around">${tr(t, "timeline.detections_only")}</button></div>
<div id="chart">${overviewSvg(t, axis)}</div>` : ""}
${axisNotes(t, axis)}` : `<p>${tr(t, "timeline.none")}</p>`}
</section>
<section id="coverage">
<h2>${tr(t, "coverage.title")}</h2>
${coverageTable(t, lang, results.coverage, titles)}
</section>
<section id="device">
<h2>${tr(t, "device.title")}</h2>
${deviceSection(t, results, span)}
</section>
<section id="provenance">
<h2>${tr(t, "provenance.title")}</h2>
${provenanceSection(t, results)}
</section>
</main>
<footer>${tr(t, "footer", { v: version })}</footer>
<script id="i18n" type="application/json">${scriptJson(catalogs())}</script>
<script id="days" type="application/json">${scriptJson(axis.slots)}</script>
<script>${CLIENT}</script>
</body>
</html>
`;
}
