// Who may use the app's server, without a browser: the one-time token, the session cookie, and
// the Host, Origin and Sec-Fetch-Site checks on each request (the browser test drives the same
// rules through Chromium).
import assert from "node:assert/strict";
import type { IncomingMessage } from "node:http";
import { test } from "node:test";
import { cookieValue, Guard, TOKEN_PARAM } from "../../../src/app/guard.ts";

const PORT = 41234;
const ORIGIN = `http://127.0.0.1:${PORT}`;

function req(path: string, headers: Record<string, string> = {}, method = "GET"): [IncomingMessage, URL] {
  const h = Object.fromEntries(Object.entries({ host: `127.0.0.1:${PORT}`, ...headers }).map(([k, v]) => [k.toLowerCase(), v]));
  return [{ method, url: path, headers: h } as unknown as IncomingMessage, new URL(path, ORIGIN)];
}

/** A guard and the cookie header its one-time address was exchanged for. */
function signedIn(): { guard: Guard; cookie: string } {
  const guard = new Guard(PORT);
  const url = new URL(guard.openUrl());
  const a = guard.admit(...req(url.pathname + url.search, { "sec-fetch-site": "none", "sec-fetch-mode": "navigate" }));
  assert.equal(a.ok, "exchange");
  const set = (a as { cookie: string }).cookie;
  assert.match(set, /; HttpOnly; SameSite=Strict; Path=\/$/);
  return { guard, cookie: set.split(";")[0] };
}

test("the token in the address works once and becomes an HttpOnly, SameSite=Strict cookie", () => {
  const guard = new Guard(PORT);
  const url = new URL(guard.openUrl());
  assert.equal(url.origin, ORIGIN);
  assert.ok(url.searchParams.get(TOKEN_PARAM)!.length >= 40);
  const wrong = guard.admit(...req(`/?${TOKEN_PARAM}=${"A".repeat(43)}`));
  assert.equal(wrong.ok, false);
  const first = guard.admit(...req(url.pathname + url.search));
  assert.equal(first.ok, "exchange");
  const again = guard.admit(...req(url.pathname + url.search));
  assert.deepEqual([again.ok, (again as { status: number }).status], [false, 403]);
  assert.throws(() => guard.openUrl(), /already used/);
});

test("with the cookie: the app's own page is admitted, reads and changes", () => {
  const { guard, cookie } = signedIn();
  assert.equal(guard.admit(...req("/api/state", { cookie, "sec-fetch-site": "same-origin" })).ok, true);
  assert.equal(guard.admit(...req("/api/quit", { cookie, origin: ORIGIN, "sec-fetch-site": "same-origin" }, "POST")).ok, true);
  // A reload or a bookmark: the person navigated there.
  assert.equal(guard.admit(...req("/", { cookie, "sec-fetch-site": "none", "sec-fetch-mode": "navigate" })).ok, true);
  assert.equal(cookieValue(`a=1; ${cookie}; b=2`, `vigil_app_${PORT}`), cookie.split("=")[1]);
});

test("refused: no cookie, another session's cookie, a foreign Host, a foreign Origin, another site, a change without Origin", () => {
  const { guard, cookie } = signedIn();
  const status = (r: [IncomingMessage, URL]) => {
    const a = guard.admit(...r);
    return a.ok === false ? a.status : a.ok;
  };
  assert.equal(status(req("/api/state")), 403);
  assert.equal(status(req("/api/state", { cookie: `vigil_app_${PORT}=${"x".repeat(43)}` })), 403);
  // The same cookie for another port's app (cookies do not tell ports apart, names do).
  assert.equal(status(req("/api/state", { cookie: cookie.replace(String(PORT), "1") })), 403);
  for (const host of ["localhost", `localhost:${PORT}`, `evil.example:${PORT}`, "127.0.0.1", `127.0.0.1:${PORT + 1}`, "[::1]:" + PORT]) {
    assert.equal(status(req("/api/state", { cookie, host })), 421, host);
  }
  for (const origin of ["http://evil.example", `http://127.0.0.1:${PORT + 1}`, `https://127.0.0.1:${PORT}`, "null"]) {
    assert.equal(status(req("/api/state", { cookie, origin })), 403, origin);
  }
  for (const site of ["cross-site", "same-site"]) assert.equal(status(req("/api/state", { cookie, "sec-fetch-site": site })), 403, site);
  // "none" only for a navigation the person made, not for a script's request.
  assert.equal(status(req("/api/state", { cookie, "sec-fetch-site": "none", "sec-fetch-mode": "cors" })), 403);
  assert.equal(status(req("/api/quit", { cookie }, "POST")), 403);
});

test("the report paths: Host and Origin checked, no cookie needed", () => {
  const guard = new Guard(PORT);
  assert.equal(guard.checkPlace(req("/r/x/report.html")[0]).ok, true);
  assert.equal(guard.checkPlace(req("/r/x/report.html", { host: "evil.example" })[0]).ok, false);
  assert.equal(guard.checkPlace(req("/r/x/report.html", { origin: "http://evil.example" })[0]).ok, false);
});
