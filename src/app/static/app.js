// Vigil's window: a page served by `vigil app` (src/app/server.ts), with no framework and nothing
// loaded from elsewhere. Every text comes from the catalogs (src/app/i18n/); every value from the
// computer (paths, device names, messages) is put in the page as text, never as HTML.

const $ = (id) => document.getElementById(id);
const state = {
  lang: "en",
  messages: {},
  server: undefined,
  modules: {},
  /** The acquisition chosen for a check: { path, kind, backup? }. */
  chosen: undefined,
  /** The case the next check goes into (its id), when one was chosen from the Cases page. */
  caseId: "",
  cases: [],
  /** The check shown on the check page, by job id. */
  jobId: undefined,
  jobs: new Map(),
  browsePath: undefined,
  announced: 0,
};

// ---------------------------------------------------------------- words

function t(key, params) {
  let s = state.messages[key];
  if (s === undefined) s = key;
  if (params) for (const [k, v] of Object.entries(params)) s = s.split(`{${k}}`).join(String(v));
  return s;
}

/** A message with plural forms: key.one / key.other, chosen by the language's rules. */
function tn(key, n, params) {
  const form = new Intl.PluralRules(locale()).select(n);
  const k = state.messages[`${key}.${form}`] !== undefined ? `${key}.${form}` : `${key}.other`;
  return t(k, { n: formatNumber(n), ...params });
}

/** The browser's own locale when it speaks the chosen language (en-GB dates for a British reader). */
const locale = () => (navigator.languages ?? []).find((l) => l.toLowerCase().split("-")[0] === state.lang) ?? state.lang;
const formatNumber = (n) => new Intl.NumberFormat(locale()).format(n);

function formatDate(iso) {
  if (!iso) return t("unknown");
  const d = new Date(iso);
  return Number.isNaN(d.getTime()) ? iso : new Intl.DateTimeFormat(locale(), { dateStyle: "long", timeStyle: "short" }).format(d);
}

function formatSize(bytes) {
  const units = ["byte", "kilobyte", "megabyte", "gigabyte", "terabyte"];
  let v = bytes ?? 0;
  let u = 0;
  while (v >= 1000 && u < units.length - 1) {
    v /= 1000;
    u++;
  }
  return new Intl.NumberFormat(locale(), { style: "unit", unit: units[u], unitDisplay: u ? "short" : "long", maximumFractionDigits: v < 10 && u ? 1 : 0 }).format(v);
}

function translateStatic() {
  document.documentElement.lang = state.lang;
  for (const el of document.querySelectorAll("[data-t]")) el.textContent = t(el.dataset.t);
  for (const el of document.querySelectorAll("[data-t-aria-label]")) el.setAttribute("aria-label", t(el.dataset.tAriaLabel));
  for (const el of document.querySelectorAll("[data-t-title]")) el.setAttribute("title", t(el.dataset.tTitle));
  document.title = t("title");
}

// ---------------------------------------------------------------- talking to Vigil

async function api(path, body) {
  const init = body === undefined ? {} : { method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify(body) };
  const res = await fetch(path, { ...init, credentials: "same-origin", cache: "no-store" });
  const data = await res.json().catch(() => ({}));
  // The server names the page's message for what a person reads; its English text is the detail.
  if (!res.ok) throw new Error(data.key && state.messages[data.key] !== undefined ? t(data.key, { detail: data.error }) : data.error || `${res.status}`);
  return data;
}

function announce(text) {
  const box = $("announce");
  box.textContent = "";
  // A change after an empty moment is read out even when the same words come twice.
  setTimeout(() => (box.textContent = text), 50);
}

function el(tag, props = {}, ...children) {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(props)) {
    if (v === undefined || v === false) continue;
    if (k === "class") e.className = v;
    else if (k === "text") e.textContent = v;
    else if (k.startsWith("on")) e.addEventListener(k.slice(2), v);
    else e.setAttribute(k, v === true ? "" : v);
  }
  for (const c of children) if (c !== undefined && c !== null) e.append(c);
  return e;
}

// ---------------------------------------------------------------- pages

const VIEWS = ["home", "check", "cases", "indicators"];

function show(view, focus = true) {
  for (const v of VIEWS) $(`view-${v}`).hidden = v !== view;
  $("loading").hidden = true;
  for (const a of document.querySelectorAll("#nav a")) {
    if (a.getAttribute("href") === `#${view}` || (view === "check" && a.getAttribute("href") === "#home")) a.setAttribute("aria-current", "page");
    else a.removeAttribute("aria-current");
  }
  if (focus) $(`${view === "indicators" ? "iocs" : view}-title`).focus();
  if (view === "home") loadHome();
  if (view === "cases") loadCases();
  if (view === "indicators") loadIndicators();
}

function route(focus = true) {
  const view = location.hash.replace(/^#/, "") || "home";
  if (view === "check" && !state.chosen && !state.jobId) {
    location.replace("#home");
    return;
  }
  show(VIEWS.includes(view) ? view : "home", focus);
}

// ---------------------------------------------------------------- home

async function loadHome() {
  $("results-dir").textContent = state.server.results;
  $("backups-status").textContent = t("backups.looking");
  try {
    const places = await api("/api/backups");
    renderBackups(places);
  } catch (e) {
    $("backups-status").textContent = t("error.generic", { error: e.message });
  }
  try {
    renderEarlier(await api("/api/results"));
  } catch {
    // The list of earlier checks is a convenience; the home page works without it.
  }
}

function backupFacts(b) {
  const parts = [];
  if (b.model) parts.push(b.model);
  if (b.iosVersion) parts.push(t("backup.ios", { version: b.iosVersion }));
  parts.push(formatDate(b.date));
  parts.push(formatSize(b.size));
  return parts.join(" · ");
}

function renderBackups(places) {
  const list = $("backups");
  list.replaceChildren();
  const all = places.flatMap((p) => p.backups);
  $("backups-status").textContent = all.length ? tn("backups.found", all.length) : t("backups.none");
  for (const b of all) {
    const name = b.deviceName || t("backup.unnamed");
    const badges = el("p", { class: "badges" });
    if (b.encrypted === true) badges.append(el("span", { class: "badge ok", text: t("backup.encrypted") }));
    else if (b.encrypted === false) badges.append(el("span", { class: "badge warn", text: t("backup.plain") }));
    if (b.state !== "complete") badges.append(el("span", { class: "badge bad", text: t(`backup.${b.state}`) }));
    const id = `b-${list.children.length}`;
    const card = el(
      "li",
      { class: "card" },
      el("h3", { id, text: name }),
      el("p", { text: backupFacts(b) }),
      badges,
      b.problem ? el("p", { class: "hint", text: b.problem }) : undefined,
      b.encrypted === false ? el("p", { class: "hint", text: t("backup.plain.hint") }) : undefined,
      el("p", { class: "path" }, el("code", { text: b.dir })),
      el("button", { type: "button", class: "primary", "aria-describedby": id, text: t("backup.check"), onclick: () => choose({ path: b.dir, kind: "ios_backup", backup: b }) }),
    );
    list.append(card);
  }
  const places_ = $("places");
  places_.replaceChildren(...places.map((p) => el("li", {}, el("code", { text: p.dir }), " ", el("span", { class: "hint", text: p.exists ? tn("places.backups", p.backups.length) : t("places.missing") }))));
}

function verdictLine(summary) {
  return summary ? t(`verdict.${summary.verdict}`) : t("unknown");
}

function renderEarlier(checks) {
  $("earlier-none").hidden = checks.length > 0;
  $("earlier").replaceChildren(
    ...checks.slice(0, 20).map((c) =>
      el(
        "li",
        { class: `card verdict-${c.summary.verdict}` },
        el("h3", { text: verdictLine(c.summary) }),
        el("p", { text: [c.device, c.kind ? t(`kind.${c.kind}`) : undefined, formatDate(c.started)].filter(Boolean).join(" · ") }),
        el("p", { class: "path" }, el("code", { text: c.input || c.dir })),
        c.report ? el("a", { href: c.report, target: "_blank", rel: "noopener", text: t("result.open") }) : undefined,
      ),
    ),
  );
}

/** The person chose an acquisition: on to the check page. */
function choose(chosen) {
  state.chosen = chosen;
  state.jobId = undefined;
  prepareCheck();
  if (location.hash === "#check") show("check");
  else location.hash = "#check";
}

$("path-form").addEventListener("submit", async (ev) => {
  ev.preventDefault();
  const path = $("path").value.trim();
  $("path-error").textContent = "";
  if (!path) {
    $("path-error").textContent = t("other.empty");
    $("path").focus();
    return;
  }
  try {
    choose(await api("/api/inspect", { path }));
  } catch (e) {
    $("path-error").textContent = e.message;
    $("path").focus();
  }
});

// ---------------------------------------------------------------- folder browser

$("browse-open").addEventListener("click", () => {
  const open = $("browser").hidden;
  $("browser").hidden = !open;
  $("browse-open").setAttribute("aria-expanded", String(open));
  if (open) browse($("path").value.trim() || undefined, true);
});

async function browse(path, focus) {
  $("browse-error").textContent = "";
  let listing;
  try {
    listing = await api(`/api/browse${path ? `?path=${encodeURIComponent(path)}` : ""}`);
  } catch (e) {
    if (path) return browse(undefined, focus);
    $("browse-error").textContent = e.message;
    return;
  }
  state.browsePath = listing.path;
  $("browse-where").textContent = listing.path;
  $("browse-up").hidden = !listing.parent;
  $("browse-up").onclick = () => browse(listing.parent, true);
  $("browse-places").replaceChildren(
    ...listing.places.map((p) => el("button", { type: "button", class: "quiet", text: p.kind === "home" ? t("browse.home") : t("browse.volume", { name: p.path }), onclick: () => browse(p.path, true) })),
  );
  const items = listing.entries.map((e) =>
    el(
      "li",
      { class: e.folder ? "folder" : "file" },
      el("button", {
        type: "button",
        class: "link",
        text: e.folder ? `${e.name}${state.server.sep}` : e.name,
        "aria-label": e.backup ? t("browse.backup", { name: e.name }) : e.folder ? t("browse.folder", { name: e.name }) : t("browse.file", { name: e.name, size: formatSize(e.size) }),
        onclick: () => (e.folder && !e.backup ? browse(e.path, true) : pick(e.path)),
      }),
      e.backup ? el("span", { class: "badge ok", text: t("browse.isbackup") }) : undefined,
      !e.folder ? el("span", { class: "hint", text: formatSize(e.size) }) : undefined,
    ),
  );
  $("browse-list").replaceChildren(...(items.length ? items : [el("li", { class: "hint", text: t("browse.empty") })]));
  if (focus) ($("browse-list").querySelector("button") ?? $("browse-choose")).focus();
}

function pick(path) {
  $("path").value = path;
  $("browser").hidden = true;
  $("browse-open").setAttribute("aria-expanded", "false");
  $("path").focus();
  announce(t("browse.picked", { path }));
}

$("browse-choose").addEventListener("click", () => pick(state.browsePath));

// ---------------------------------------------------------------- check

function fact(list, label, value) {
  list.append(el("dt", { text: label }), el("dd", { text: value }));
}

function prepareCheck() {
  const c = state.chosen;
  const acq = $("acq");
  acq.replaceChildren();
  $("progress").hidden = true;
  $("result").hidden = true;
  $("failure").hidden = true;
  $("check-form").hidden = false;
  $("check-error").textContent = "";
  $("password").value = "";
  if (!c) return;
  if (c.backup) {
    fact(acq, t("fact.device"), [c.backup.deviceName, c.backup.model].filter(Boolean).join(", ") || t("unknown"));
    if (c.backup.iosVersion) fact(acq, t("fact.ios"), c.backup.iosVersion);
    fact(acq, t("fact.date"), formatDate(c.backup.date));
    fact(acq, t("fact.encrypted"), c.backup.encrypted ? t("yes") : t("no"));
  }
  fact(acq, t("fact.kind"), t(`kind.${c.kind}`));
  fact(acq, t("fact.path"), c.path);
  $("password-row").hidden = !(c.backup && c.backup.encrypted);
  $("case").replaceChildren(el("option", { value: "", text: t("check.nocase") }), ...state.cases.map((k) => el("option", { value: k.id, text: k.name })));
  $("case").value = state.caseId;
  $("report-lang").value = state.lang;
}

$("check-form").addEventListener("submit", async (ev) => {
  ev.preventDefault();
  const c = state.chosen;
  const password = $("password").value;
  $("check-error").textContent = "";
  if (!$("password-row").hidden && !password) {
    $("check-error").textContent = t("check.password.missing");
    $("password").focus();
    return;
  }
  $("start").disabled = true;
  try {
    const iocs = $("iocs").value.trim();
    const job = await api("/api/checks", { path: c.path, kind: c.kind, password: password || undefined, lang: $("report-lang").value, iocs: iocs ? [iocs] : [], case: $("case").value || undefined });
    $("password").value = "";
    follow(job);
    announce(t("progress.started"));
  } catch (e) {
    $("check-error").textContent = e.message;
  } finally {
    $("start").disabled = false;
  }
});

function follow(started) {
  // Its events may have come before the answer that started it.
  const known = state.jobs.get(started.id);
  const job = known?.early ? { ...started, steps: known.steps, total: known.total, current: known.current, lines: [...started.lines, ...known.lines] } : known ?? started;
  state.jobs.set(job.id, job);
  state.jobId = job.id;
  state.announced = 0;
  $("check-form").hidden = true;
  $("steps").replaceChildren();
  $("secret-form").hidden = true;
  renderJob(job);
  if (job.state === "running") $("progress-title").focus();
}

function stepText(s) {
  if (!s.status) return t("step.running");
  if (s.status === "checked") return s.detections ? tn("step.checked.detections", s.records ?? 0, { d: formatNumber(s.detections) }) : tn("step.checked", s.records ?? 0);
  if (s.status === "failed") return t("step.failed", { reason: s.reason ?? "" });
  return t(`step.${s.status}`);
}

function renderStep(key, s) {
  let li = document.querySelector(`#steps li[data-key="${CSS.escape(key)}"]`);
  if (!li) {
    li = el("li", { "data-key": key, value: String(s.index) }, el("span", { class: "name" }), " ", el("span", { class: "status" }));
    const after = [...$("steps").children].find((x) => Number(x.value) > s.index);
    $("steps").insertBefore(li, after ?? null);
  }
  li.className = `step ${s.status ?? "running"}`;
  li.querySelector(".name").textContent = `${state.modules[s.module] ?? s.module}${s.view ? ` (${s.view})` : ""}`;
  li.querySelector(".status").textContent = stepText(s);
}

function renderProgress(job) {
  const steps = Object.values(job.steps);
  const done = steps.filter((s) => s.status).length;
  const total = job.total ?? 0;
  $("bar").max = Math.max(total, 1);
  $("bar").value = done;
  $("progress-count").textContent = total ? t("progress.count", { done: formatNumber(done), total: formatNumber(total) }) : t("progress.opening");
  $("progress-current").textContent = job.current ?? "";
  // Read out every quarter, not every module.
  const quarter = total ? Math.floor((4 * done) / total) : 0;
  if (quarter > state.announced && quarter < 4) {
    state.announced = quarter;
    announce(t("progress.count", { done: formatNumber(done), total: formatNumber(total) }));
  }
}

function renderJob(job) {
  if (job.id !== state.jobId) return;
  const running = job.state === "running" || job.state === "needs-secret";
  $("check-form").hidden = true;
  $("progress").hidden = !running;
  $("result").hidden = job.state !== "done";
  $("failure").hidden = !(job.state === "failed" || job.state === "cancelled");
  if (running) {
    for (const [k, s] of Object.entries(job.steps)) renderStep(k, s);
    renderProgress(job);
    const asks = job.state === "needs-secret";
    if (asks && $("secret-form").hidden) {
      $("secret-label").textContent = t(job.asks === "passphrase" ? "progress.passphrase" : "progress.secret");
      $("secret-form").hidden = false;
      $("secret").focus();
      announce($("secret-label").textContent);
    }
    if (!asks) $("secret-form").hidden = true;
    return;
  }
  $("secret-form").hidden = true;
  $("secret").value = "";
  if (job.state === "done") return renderResult(job);
  $("failure-title").textContent = t(job.state === "cancelled" ? "failure.cancelled" : "failure.failed");
  // A wrong or missing password is said in plain words first; the command's own line follows.
  const password = job.state === "failed" && job.errorCode === "password";
  $("failure-text").textContent = job.state === "cancelled" ? t("failure.cancelled.text") : password ? t("failure.password") : job.error ?? "";
  $("failure-detail").textContent = password ? job.error ?? "" : "";
  $("failure-title").focus();
  announce(`${$("failure-title").textContent}. ${$("failure-text").textContent}`);
}

function renderResult(job) {
  const s = job.extra.summary;
  const box = $("verdict-box");
  box.className = `verdict verdict-${s?.verdict ?? "unknown"}`;
  $("verdict").textContent = verdictLine(s);
  $("verdict-meaning").textContent = s ? t(`verdict.${s.verdict}.meaning`) : "";
  const failed = s?.coverage?.failed ?? 0;
  $("verdict-incomplete").textContent = s?.incomplete ? tn("result.incomplete", failed) : "";
  const d = s?.detections ?? {};
  $("verdict-counts").textContent = s ? t("result.counts", { strong: formatNumber(d.strong ?? 0), medium: formatNumber(d.medium ?? 0), weak: formatNumber(d.weak ?? 0) }) : "";
  const missing = $("verdict-missing");
  missing.replaceChildren();
  if (s?.missing?.length) {
    missing.append(el("p", { text: t("verdict.missing.intro") }), el("ul", {}, ...s.missing.map((m) => el("li", { text: t(`need.${m.need}`, m.params) }))));
    if (s.advice) missing.append(el("p", {}, el("strong", { text: `${t("verdict.missing.advice")}: ` }), t(`advice.${s.advice.id}`)));
  }
  $("saved").textContent = job.extra.outputDir ?? "";
  const link = $("report-link");
  link.hidden = !job.extra.report;
  if (job.extra.report) link.href = job.extra.report;
  $("case-report-link").hidden = !job.extra.caseReport;
  if (job.extra.caseReport) $("case-report-link").href = job.extra.caseReport;
  const frame = $("report-frame");
  frame.hidden = !job.extra.report;
  if (job.extra.report && frame.getAttribute("src") !== job.extra.report) frame.src = job.extra.report;
  $("verdict").focus();
  announce(`${t("progress.finished")} ${$("verdict").textContent}`);
}

$("cancel").addEventListener("click", async () => {
  $("cancel").disabled = true;
  try {
    await api(`/api/jobs/${state.jobId}/cancel`, {});
  } catch (e) {
    $("progress-current").textContent = e.message;
  } finally {
    $("cancel").disabled = false;
  }
});

$("secret-form").addEventListener("submit", async (ev) => {
  ev.preventDefault();
  const value = $("secret").value;
  $("secret").value = "";
  $("secret-form").hidden = true;
  try {
    await api(`/api/jobs/${state.jobId}/secret`, { value });
  } catch (e) {
    $("progress-current").textContent = e.message;
  }
});

$("retry").addEventListener("click", () => {
  state.jobId = undefined;
  prepareCheck();
  if (!$("password-row").hidden) $("password").focus();
  else $("check-title").focus();
});

// ---------------------------------------------------------------- live events

function listen() {
  const source = new EventSource("/api/events");
  source.onmessage = (m) => {
    const e = JSON.parse(m.data);
    if (e.type === "job") {
      state.jobs.set(e.job.id, e.job);
      if (e.job.kind === "update") renderUpdate(e.job);
      else renderJob(e.job);
      return;
    }
    let job = state.jobs.get(e.id);
    if (!job) {
      // A task this page started, before the answer that started it came back.
      job = { id: e.id, kind: "check", state: "running", steps: {}, lines: [], extra: {}, early: true };
      state.jobs.set(e.id, job);
    }
    if (e.type === "step") {
      const key = e.step.view ? `${e.step.view}/${e.step.module}` : e.step.module;
      job.steps[key] = e.step;
      job.total = e.step.total;
      job.current = e.current;
      if (job.id === state.jobId) {
        renderStep(key, e.step);
        renderProgress(job);
      }
    } else if (e.type === "line") {
      job.lines.push(e.line);
      if (job.kind === "update") renderUpdate(job);
    }
  };
}

// ---------------------------------------------------------------- cases

async function loadCases() {
  try {
    state.cases = await api("/api/cases");
  } catch (e) {
    $("case-error").textContent = e.message;
    return;
  }
  $("cases-none").hidden = state.cases.length > 0;
  $("cases-list").replaceChildren(
    ...state.cases.map((c) => {
      const id = `case-${c.id}`;
      return el(
        "li",
        { class: `card verdict-${c.summary?.verdict ?? "none"}` },
        el("h2", { id, text: c.name }),
        el("p", { text: [tn("cases.acquisitions", c.acquisitions.length), c.summary?.verdict ? t(`verdict.${c.summary.verdict}`) : undefined].filter(Boolean).join(" · ") }),
        c.acquisitions.length ? el("ul", {}, ...c.acquisitions.map((a) => el("li", { text: `${t(`kind.${a.kind}`)}: ${a.input}` }))) : undefined,
        el("p", { class: "path" }, el("code", { text: c.dir })),
        el(
          "p",
          { class: "row wrap" },
          el("button", {
            type: "button",
            "aria-describedby": id,
            text: t("cases.add"),
            onclick: () => {
              state.caseId = c.id;
              location.hash = "#home";
              announce(t("cases.adding", { name: c.name }));
            },
          }),
          c.reportUrl ? el("a", { href: c.reportUrl, target: "_blank", rel: "noopener", class: "button", "aria-describedby": id, text: t("result.case") }) : undefined,
        ),
      );
    }),
  );
}

$("case-form").addEventListener("submit", async (ev) => {
  ev.preventDefault();
  $("case-error").textContent = "";
  const name = $("case-name").value.trim();
  if (!name) {
    $("case-error").textContent = t("cases.name.missing");
    $("case-name").focus();
    return;
  }
  try {
    const c = await api("/api/cases", { name });
    $("case-name").value = "";
    await loadCases();
    announce(t("cases.created", { name: c.name }));
  } catch (e) {
    $("case-error").textContent = e.message;
  }
});

// ---------------------------------------------------------------- indicators

async function loadIndicators() {
  $("iocs-status").textContent = t("iocs.loading");
  let info;
  try {
    info = await api("/api/indicators");
  } catch (e) {
    $("iocs-status").textContent = t("error.generic", { error: e.message });
    return;
  }
  const created = info.snapshot.created;
  const days = created ? Math.floor((Date.now() - new Date(created).getTime()) / 86400000) : undefined;
  $("iocs-status").textContent = t("iocs.summary", { n: formatNumber(info.indicators), sets: formatNumber(info.sets.length) });
  const facts = $("iocs-facts");
  facts.replaceChildren();
  fact(facts, t("iocs.snapshot"), t(info.snapshot.kind === "bundled" ? "iocs.bundled" : info.snapshot.kind === "cache" ? "iocs.downloaded" : "iocs.nothing"));
  if (created) fact(facts, t("iocs.date"), `${formatDate(created)} (${tn("iocs.age", Math.max(days, 0))})`);
  if (info.snapshot.source) fact(facts, t("iocs.source"), info.snapshot.source);
  for (const d of info.datasets) fact(facts, t(`dataset.${d.name}`), `${d.date ? formatDate(d.date) : t("unknown")} (${t(d.kind === "updated" ? "iocs.downloaded" : "iocs.bundled")})`);
  $("sets").replaceChildren(...info.sets.map((s) => el("tr", {}, el("td", { text: s.name }), el("td", {}, el("code", { text: s.file })), el("td", { class: "num", text: formatNumber(s.count) }))));
}

$("update").addEventListener("click", async () => {
  if (!confirm(t("update.confirm"))) return;
  $("update").disabled = true;
  try {
    const job = await api("/api/indicators/update", {});
    state.jobs.set(job.id, job);
    renderUpdate(job);
  } catch (e) {
    $("update-status").textContent = e.message;
    $("update").disabled = false;
  }
});

function renderUpdate(job) {
  $("update-log").hidden = false;
  $("update-log").textContent = job.lines.join("\n");
  const running = job.state === "running" || job.state === "needs-secret";
  $("update").disabled = running;
  const status = running ? t("update.running") : job.state === "done" ? t("update.done") : t("update.failed", { error: job.error ?? "" });
  if ($("update-status").textContent !== status) $("update-status").textContent = status;
  if (job.state === "done") loadIndicators();
}

// ---------------------------------------------------------------- start

async function setLanguage(lang) {
  state.messages = await api(`/api/i18n/${lang}`);
  state.lang = lang;
  try {
    localStorage.setItem("vigil.lang", lang);
  } catch {
    // Storage refused: the choice lasts as long as the page.
  }
  translateStatic();
  $("report-lang").replaceChildren(...state.server.languages.map((l) => el("option", { value: l, text: t(`lang.${l}`) })));
  $("report-lang").value = lang;
  $("footer").textContent = t("footer", { version: state.server.version });
  const job = state.jobId && state.jobs.get(state.jobId);
  if (job) {
    $("steps").replaceChildren();
    renderJob(job);
  }
  route(false);
}

function firstLanguage(available) {
  let saved;
  try {
    saved = localStorage.getItem("vigil.lang");
  } catch {
    saved = undefined;
  }
  for (const l of [saved, ...(navigator.languages ?? []), state.server.lang]) {
    const code = (l || "").toLowerCase().split("-")[0];
    if (available.includes(code)) return code;
  }
  return "en";
}

$("lang").addEventListener("change", () => setLanguage($("lang").value));

$("quit").addEventListener("click", async () => {
  if (!confirm(t("quit.confirm"))) return;
  await api("/api/quit", {}).catch(() => {});
  document.body.replaceChildren(el("main", { id: "main" }, el("h1", { text: t("quit.done") }), el("p", { text: t("quit.done.text") })));
});

window.addEventListener("hashchange", () => route(true));

async function start() {
  state.server = await api("/api/state");
  state.modules = await api("/api/modules");
  const lang = firstLanguage(state.server.languages);
  $("lang").replaceChildren(...state.server.languages.map((l) => el("option", { value: l, lang: l, text: l.toUpperCase() })));
  $("lang").value = lang;
  state.cases = await api("/api/cases").catch(() => []);
  // A check still running (the page was reloaded) is shown again.
  const running = (await api("/api/jobs")).filter((j) => j.kind !== "update");
  for (const j of running) state.jobs.set(j.id, j);
  const current = running.find((j) => j.state === "running" || j.state === "needs-secret");
  listen();
  await setLanguage(lang);
  for (const l of $("lang").options) l.textContent = t(`lang.${l.value}`);
  if (current) {
    state.jobId = current.id;
    state.chosen = { path: current.input, kind: "" };
    location.hash = "#check";
    renderJob(current);
  }
}

start().catch((e) => {
  $("loading").textContent = `Vigil: ${e.message}`;
});
