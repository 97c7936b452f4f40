// Progressive enhancement only: the page is complete without this script.
(function () {
  "use strict";
  var catalogs = JSON.parse(document.getElementById("i18n").textContent);
  var days = JSON.parse(document.getElementById("days").textContent);
  var $ = function (id) { return document.getElementById(id); };
  Array.prototype.forEach.call(document.querySelectorAll(".js-only"), function (el) { el.hidden = false; });

  // The same rendering as src/core/i18n: plural forms by the number in "n", parameters that are
  // messages themselves or lists of them; a message no catalog has shows its English text.
  function template(lang, key, args) {
    var cat = catalogs[lang] || {};
    if (cat[key] !== undefined) return cat[key];
    if (args && typeof args.n === "number" && cat[key + ".other"] !== undefined) {
      var form = cat[key + "." + new Intl.PluralRules(lang).select(args.n)];
      return form !== undefined ? form : cat[key + ".other"];
    }
    return undefined;
  }
  function value(lang, v) {
    if (Array.isArray(v)) return v.map(function (x) { return value(lang, x); }).join(", ");
    if (v && typeof v === "object") return fmt(lang, v.id, v.params);
    return String(v);
  }
  function fmt(lang, key, args, english) {
    var s = template(lang, key, args);
    if (s === undefined) s = template("en", key, args);
    if (s === undefined) return english !== undefined && english !== null ? english : key;
    if (!args) return s;
    return s.replace(/\{(\w+)\}/g, function (whole, k) { return args[k] === undefined ? whole : value(lang, args[k]); });
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

  var NS = "http://www.w3.org/2000/svg";
  function draw(from, to) {
    var svg = $("overview");
    if (!svg) return;
    var sel = days.filter(function (d) { return d.day >= from && d.day <= to; });
    while (svg.firstChild) svg.removeChild(svg.firstChild);
    var W = 1000, H = 120;
    var max = 1;
    sel.forEach(function (d) { if (d.count > max) max = d.count; });
    var bw = W / Math.max(sel.length, 1);
    sel.forEach(function (d, i) {
      var h = d.count ? Math.max(1, Math.round(Math.log(1 + d.count) / Math.log(1 + max) * (H - 14))) : 0;
      var r = document.createElementNS(NS, "rect");
      r.setAttribute("class", "bar"); r.setAttribute("x", i * bw); r.setAttribute("y", H - h);
      r.setAttribute("width", Math.max(bw - 0.5, 0.5)); r.setAttribute("height", h);
      var t = document.createElementNS(NS, "title"); t.textContent = d.day + ": " + d.count; r.appendChild(t);
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
    if (!days.length) return;
    $("from").value = from; $("to").value = to;
    range = (from === days[0].day && to === days[days.length - 1].day) ? null : [from, to];
    draw(from, to);
    applyFilter();
  }
  if (days.length && $("from")) {
    var first = days[0].day, last = days[days.length - 1].day;
    $("from").value = first; $("to").value = last;
    $("from").addEventListener("change", function () { zoom($("from").value || first, $("to").value || last); });
    $("to").addEventListener("change", function () { zoom($("from").value || first, $("to").value || last); });
    $("reset").addEventListener("click", function () { zoom(first, last); });
    $("around").addEventListener("click", function () {
      var hits = days.filter(function (d) { return d.detections; });
      if (!hits.length) return;
      var pad = function (day, n) { var t = new Date(day + "T00:00:00Z"); t.setUTCDate(t.getUTCDate() + n); return t.toISOString().slice(0, 10); };
      zoom(pad(hits[0].day, -3), pad(hits[hits.length - 1].day, 3));
    });
  }
  applyFilter();
})();
