// Progressive enhancement only: the page is complete without this script.
(function () {
  "use strict";
  var catalogs = JSON.parse(document.getElementById("i18n").textContent);
  var slots = JSON.parse(document.getElementById("days").textContent);
  var $ = function (id) { return document.getElementById(id); };
  Array.prototype.forEach.call(document.querySelectorAll(".js-only"), function (el) { el.hidden = false; });

  // The same rendering as src/core/i18n: plural forms by the number in "n", parameters that are
  // messages themselves or lists of them, numbers in the language's way ({n:number} with digit
  // groups); a message no catalog has shows its English text.
  function template(lang, key, args) {
    var cat = catalogs[lang] || {};
    if (cat[key] !== undefined) return cat[key];
    if (args && typeof args.n === "number" && cat[key + ".other"] !== undefined) {
      var form = cat[key + "." + new Intl.PluralRules(lang).select(args.n)];
      return form !== undefined ? form : cat[key + ".other"];
    }
    return undefined;
  }
  function value(lang, v, format) {
    if (Array.isArray(v)) return v.map(function (x) { return value(lang, x); }).join(", ");
    if (v && typeof v === "object") return fmt(lang, v.id, v.params);
    if (typeof v === "number") {
      if (!format) return Number.isInteger(v) ? String(v) : v.toLocaleString(lang, { useGrouping: false, maximumFractionDigits: 20 });
      var digits = format.indexOf("number.") === 0 ? Number(format.slice(7)) : undefined;
      return v.toLocaleString(lang, digits === undefined ? { maximumFractionDigits: 20 } : { minimumFractionDigits: digits, maximumFractionDigits: digits });
    }
    return String(v);
  }
  function fmt(lang, key, args, english) {
    var s = template(lang, key, args);
    if (s === undefined) s = template("en", key, args);
    if (s === undefined) return english !== undefined && english !== null ? english : key;
    if (!args) return s;
    return s.replace(/\{(\w+(?:\.\w+)*)(?::(number(?:\.\d)?))?\}/g, function (whole, k, format) { return args[k] === undefined ? whole : value(lang, args[k], format); });
  }
  function escapeHtml(s) { return s.replace(/[&<>"']/g, function (c) { return { "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" }[c]; }); }
  function setLang(lang) {
    document.documentElement.lang = lang;
    Array.prototype.forEach.call(document.querySelectorAll("[data-i18n]"), function (el) {
      var args = el.getAttribute("data-i18n-args");
      var key = el.getAttribute("data-i18n");
      // A message this language lacks keeps the English text the page was given.
      var english = el.getAttribute("data-i18n-en");
      var text = english !== null && template(lang, key, args ? JSON.parse(args) : null) === undefined ? english : fmt(lang, key, args ? JSON.parse(args) : null, english);
      if (el.hasAttribute("data-linkify")) {
        el.innerHTML = escapeHtml(text).replace(/https:\/\/[^\s)&<]+[^\s)&<.,]/g, function (u) { return '<a href="' + u + '" rel="noreferrer noopener">' + u + "</a>"; });
      } else {
        el.textContent = text;
      }
    });
    Array.prototype.forEach.call(document.querySelectorAll("[data-i18n-placeholder]"), function (el) {
      el.placeholder = fmt(lang, el.getAttribute("data-i18n-placeholder"));
    });
    document.title = fmt(lang, "title");
  }
  // Printing shows every folded part (style.css does it where the browser supports it).
  window.addEventListener("beforeprint", function () {
    Array.prototype.forEach.call(document.querySelectorAll("details:not([open])"), function (d) { d.setAttribute("data-printed", ""); d.open = true; });
  });
  window.addEventListener("afterprint", function () {
    Array.prototype.forEach.call(document.querySelectorAll("details[data-printed]"), function (d) { d.removeAttribute("data-printed"); d.open = false; });
  });
  var sel = $("lang");
  if (sel) sel.addEventListener("change", function () { setLang(sel.value); });

  var filter = $("filter");
  var cards = document.querySelectorAll("article.det");
  var range = null;
  function applyFilter() {
    var q = filter ? filter.value.trim().toLowerCase() : "";
    var shown = 0;
    Array.prototype.forEach.call(cards, function (c) {
      var day = c.getAttribute("data-day");
      var ok = (!q || c.getAttribute("data-search").indexOf(q) >= 0) && (!range || !day || (day >= range[0] && day <= range[1]));
      c.hidden = !ok;
      if (ok) shown++;
    });
    var s = $("shown");
    if (s) s.textContent = shown + " / " + cards.length;
  }
  if (filter) filter.addEventListener("input", applyFilter);

  // The chart's slots (src/report/html/timeline-axis.ts): days, and skipped empty stretches.
  var NS = "http://www.w3.org/2000/svg";
  var dayList = slots.filter(function (x) { return !x.gap; });
  function draw(from, to) {
    var svg = $("overview");
    if (!svg) return;
    var sel = slots.filter(function (d) { return d.gap ? d.from >= from && d.to <= to : d.day >= from && d.day <= to; });
    while (sel.length && sel[0].gap) sel.shift();
    while (sel.length && sel[sel.length - 1].gap) sel.pop();
    while (svg.firstChild) svg.removeChild(svg.firstChild);
    var W = 1000, H = 120;
    var max = 1;
    sel.forEach(function (d) { if (!d.gap && d.count > max) max = d.count; });
    var bw = W / Math.max(sel.length, 1);
    var lang = document.documentElement.lang;
    sel.forEach(function (d, i) {
      var t = document.createElementNS(NS, "title");
      if (d.gap) {
        var g = document.createElementNS(NS, "g");
        g.setAttribute("class", "gap");
        var band = document.createElementNS(NS, "rect");
        band.setAttribute("x", i * bw); band.setAttribute("y", 0); band.setAttribute("width", bw); band.setAttribute("height", H);
        var line = document.createElementNS(NS, "line");
        line.setAttribute("x1", i * bw + bw / 2); line.setAttribute("x2", i * bw + bw / 2); line.setAttribute("y1", 0); line.setAttribute("y2", H);
        t.textContent = fmt(lang, "timeline.gap", { from: d.from, to: d.to, days: d.days });
        g.appendChild(band); g.appendChild(line); g.appendChild(t);
        svg.appendChild(g);
        return;
      }
      var h = d.count ? Math.max(1, Math.round(Math.log(1 + d.count) / Math.log(1 + max) * (H - 14))) : 0;
      var r = document.createElementNS(NS, "rect");
      r.setAttribute("class", "bar"); r.setAttribute("x", i * bw); r.setAttribute("y", H - h);
      r.setAttribute("width", Math.max(bw - 0.5, 0.5)); r.setAttribute("height", h);
      t.textContent = d.day + ": " + d.count; r.appendChild(t);
      r.addEventListener("click", function () { zoom(d.day, d.day); });
      svg.appendChild(r);
      if (d.detections) {
        var m = document.createElementNS(NS, "rect");
        m.setAttribute("class", "mark"); m.setAttribute("x", i * bw); m.setAttribute("y", 0);
        m.setAttribute("width", Math.max(bw, 2)); m.setAttribute("height", 8);
        svg.appendChild(m);
      }
    });
    var axis = document.querySelector(".axis");
    if (axis && sel.length) axis.innerHTML = "<span>" + sel[0].day + "</span><span>" + sel[sel.length - 1].day + "</span>";
  }
  function zoom(from, to) {
    if (!dayList.length) return;
    $("from").value = from; $("to").value = to;
    range = (from === dayList[0].day && to === dayList[dayList.length - 1].day) ? null : [from, to];
    draw(from, to);
    applyFilter();
  }
  if (dayList.length && $("from")) {
    var first = dayList[0].day, last = dayList[dayList.length - 1].day;
    $("from").value = first; $("to").value = last;
    $("from").addEventListener("change", function () { zoom($("from").value || first, $("to").value || last); });
    $("to").addEventListener("change", function () { zoom($("from").value || first, $("to").value || last); });
    $("reset").addEventListener("click", function () { zoom(first, last); });
    $("around").addEventListener("click", function () {
      var hits = dayList.filter(function (d) { return d.detections; });
      if (!hits.length) return;
      var pad = function (day, n) { var t = new Date(day + "T00:00:00Z"); t.setUTCDate(t.getUTCDate() + n); return t.toISOString().slice(0, 10); };
      zoom(pad(hits[0].day, -3), pad(hits[hits.length - 1].day, 3));
    });
  }
  applyFilter();
})();
