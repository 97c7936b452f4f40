// `vigil app` driven in a real headless Chromium (Debian's package, through playwright-core, as
// the report's browser test): the app runs as `vigil app --no-open` on a temporary home folder
// holding a generated encrypted iPhone backup; the page lists it, takes the password, shows the
// live progress and the verdict, and embeds the report; a check is cancelled; a wrong password is
// said; requests without the token, from another origin or host, and from another page on
// 127.0.0.1 are refused; French, keyboard and a phone's width; the folder browser; a case; the
// indicators page; the pages make no request outside the app's address; Quit and the idle stop.
// Screenshots go to test-output/app/.
// Skipped with a reason when Chromium is not installed.
import assert from "node:assert/strict";
import { spawn, type ChildProcess } from "node:child_process";
import { existsSync, mkdirSync, readdirSync, readFileSync } from "node:fs";
import { createServer, request, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { join } from "node:path";
import { after, before, test } from "node:test";
import { chromium, type Browser, type BrowserContext, type Page } from "playwright-core";
import { buildSyntheticBackup, DEMO_PLANTED } from "../../../src/demo/demo-backup.ts";
import { testDir } from "../../helpers/archive-builder.ts";
import { VIGIL_BIN } from "../../helpers/evidence.ts";

const CHROMIUM = process.env.VIGIL_CHROMIUM ?? "/usr/bin/chromium";
const skip = existsSync(CHROMIUM) ? false : `no Chromium at ${CHROMIUM} (apt-get install chromium)`;
const SHOTS = join("test-output", "app");
const PASSWORD = "mot de passe très sûr";
const SMALL = { sms: 30, smsLinkShare: 0.3, safariVisits: 30, processes: 20, whatsapp: 10, manifestFiles: 10 };

let browser: Browser;
let home: string;
let results: string;
let bigBackup: string;
let app: { child: ChildProcess; url: string; origin: string; stdout: () => string; exited: Promise<number | null> };
/** Every request any page of the tests made. */
const requests: string[] = [];

/** Starts `vigil app --no-open ARGS` with HOME=home; resolves once it printed its address. */
function startApp(args: string[], env: Record<string, string>): Promise<typeof app> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [VIGIL_BIN, "app", "--no-open", ...args], { env: { ...process.env, ...env }, stdio: ["ignore", "pipe", "pipe"] });
    let out = "";
    let err = "";
    const exited = new Promise<number | null>((r) => child.on("exit", (code) => r(code)));
    child.stdout!.on("data", (d) => {
      out += d;
      const m = /(http:\/\/127\.0\.0\.1:\d+)\/\?token=[\w-]+/.exec(out);
      if (m) resolve({ child, url: m[0], origin: m[1], stdout: () => out, exited });
    });
    child.stderr!.on("data", (d) => (err += d));
    void exited.then((code) => reject(new Error(`vigil app ended (${code}) before printing its address: ${out}${err}`)));
  });
}

async function newContext(viewport = { width: 1280, height: 900 }): Promise<BrowserContext> {
  const context = await browser.newContext({ viewport, locale: "en-GB" });
  context.on("request", (r) => requests.push(r.url()));
  return context;
}

/** A page of the app, signed in with the one-time address (only the first context gets it). */
let signedIn: BrowserContext | undefined;
async function appPage(): Promise<Page> {
  if (!signedIn) {
    signedIn = await newContext();
    const page = await signedIn.newPage();
    await page.goto(app.url);
    return page;
  }
  const page = await signedIn.newPage();
  await page.goto(`${app.origin}/`);
  return page;
}

before(async () => {
  if (skip) return;
  mkdirSync(SHOTS, { recursive: true });
  home = testDir("vigil-app-home");
  results = join(home, "Résultats Vigil");
  await buildSyntheticBackup(join(home, ".local", "share", "MobileSync", "Backup", "00008110-000A1B2C3D4E5F60"), SMALL, {
    planted: DEMO_PLANTED,
    encrypted: { password: PASSWORD },
    info: { "Device Name": "iPhone de Zoë" },
  });
  bigBackup = (await buildSyntheticBackup(join(home, "Clé USB", "sauvegarde"), { sms: 40000, smsLinkShare: 0.3, safariVisits: 20000, processes: 300, whatsapp: 5000, manifestFiles: 500 }, {})).dir;
  browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync"],
  });
  app = await startApp(["--results", results], { HOME: home, XDG_DATA_HOME: "", VIGIL_BACKUP_PASSWORD: "" });
});

after(async () => {
  await browser?.close();
  if (app && app.child.exitCode === null) {
    app.child.kill();
    await app.exited;
  }
});

test("from the backup list to the verdict: password, live progress, verdict and report", { skip }, async () => {
  const page = await appPage();
  await page.locator("#backups li").first().waitFor();
  const card = page.locator("#backups li", { hasText: "iPhone de Zoë" });
  await page.screenshot({ path: join(SHOTS, "home.png"), fullPage: true });
  assert.match(await card.innerText(), /iPhone 13 Pro · iOS 14\.6 · 2 May 2024/);
  assert.match(await card.innerText(), /Encrypted/);
  await page.screenshot({ path: join(SHOTS, "home.png"), fullPage: true });

  await card.getByRole("button", { name: "Check this backup" }).click();
  await page.locator("#check-title").waitFor();
  assert.equal(await page.evaluate("document.activeElement?.id"), "check-title");
  const password = page.getByLabel("Backup password");
  await password.fill(PASSWORD);
  await page.screenshot({ path: join(SHOTS, "check-form.png"), fullPage: true });
  await page.getByRole("button", { name: "Start the check" }).click();
  // The field is emptied as soon as the check has it.
  // A small backup may be checked before the page looks: the steps stay in the page (hidden
  // with the progress once the verdict shows), and only the live events put them there.
  await page.locator("#steps li").first().waitFor({ state: "attached" });
  await page.screenshot({ path: join(SHOTS, "progress.png"), fullPage: true });
  assert.equal(await password.inputValue(), "");

  await page.locator("#verdict", { hasText: "Traces of known spyware found" }).waitFor({ timeout: 120_000 });
  assert.match(await page.locator("#verdict-counts").innerText(), /Detections: \d+ strong/);
  const folders = readdirSync(results).filter((f) => f.startsWith("ios_backup-"));
  assert.equal(folders.length, 1);
  const out = join(results, folders[0]);
  assert.equal(await page.locator("#saved").innerText(), out);
  // The report as the command line writes it, shown in the app from the results folder.
  const frame = page.frameLocator("#report-frame");
  assert.equal(await frame.locator("#verdict h2").innerText(), "Traces of known spyware found");
  const steps = await page.locator("#steps li").count();
  assert.ok(steps > 10, String(steps));
  await page.screenshot({ path: join(SHOTS, "verdict.png"), fullPage: true });

  for (const f of readdirSync(out)) assert.ok(!readFileSync(join(out, f)).includes(PASSWORD), `${f} holds the password`);
  assert.ok(!app.stdout().includes(PASSWORD));
  const home_ = await page.locator("#nav a", { hasText: "Check a phone" });
  await home_.click();
  await page.locator("#earlier li", { hasText: "Traces of known spyware found" }).waitFor();
  await page.close();
});

test("cancel a check: it stops and leaves no results folder", { skip }, async () => {
  const page = await appPage();
  await page.getByLabel("Folder or file to check").fill(bigBackup);
  await page.getByRole("button", { name: "Continue" }).click();
  await page.locator("#check-title").waitFor();
  assert.match(await page.locator("#acq").innerText(), /iPhone backup/);
  assert.equal(await page.locator("#password-row").isVisible(), false);
  const before = new Set(readdirSync(results));
  await page.getByRole("button", { name: "Start the check" }).click();
  await page.locator("#steps li").first().waitFor();
  await page.getByRole("button", { name: "Cancel the check" }).click();
  await page.locator("#failure-title", { hasText: "The check was cancelled" }).waitFor();
  assert.equal(await page.evaluate("document.activeElement?.id"), "failure-title");
  await page.screenshot({ path: join(SHOTS, "cancelled.png"), fullPage: true });
  assert.deepEqual(new Set(readdirSync(results)), before);
  await page.close();
});

test("a wrong password: the check says so, keeps nothing, and the form comes back empty", { skip }, async () => {
  const page = await appPage();
  const inResults = () => new Set(existsSync(results) ? readdirSync(results) : []);
  const before = inResults();
  await page.locator("#backups li", { hasText: "iPhone de Zoë" }).getByRole("button", { name: "Check this backup" }).click();
  await page.getByLabel("Backup password").fill("not the password");
  await page.getByRole("button", { name: "Start the check" }).click();
  await page.locator("#failure-title", { hasText: "The check could not be done" }).waitFor({ timeout: 60_000 });
  assert.match(await page.locator("#failure-text").innerText(), /This is not the backup.s password/);
  assert.match(await page.locator("#failure-detail").innerText(), /Manifest\.plist: wrong backup password/);
  assert.equal(await page.evaluate("document.activeElement?.id"), "failure-title");
  assert.deepEqual(inResults(), before);
  await page.getByRole("button", { name: "Try again" }).click();
  assert.equal(await page.getByLabel("Backup password").isVisible(), true);
  assert.equal(await page.evaluate("document.activeElement?.id"), "password");
  assert.equal(await page.getByLabel("Backup password").inputValue(), "");
  await page.close();
});

/** A request to the app from Node, with the headers given. */
function raw(path: string, headers: Record<string, string>, method = "GET", body?: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = request(`${app.origin}${path}`, { method, headers }, (res) => {
      res.resume();
      resolve(res.statusCode ?? 0);
    });
    req.on("error", reject);
    req.end(body);
  });
}

test("refused: no token or cookie, a used token, a foreign Host or Origin, another page on 127.0.0.1", { skip }, async () => {
  const page = await appPage();
  const cookie = (await signedIn!.cookies(app.origin)).map((c) => `${c.name}=${c.value}`).join("; ");
  assert.match(cookie, /^vigil_app_\d+=/);
  const json = { "Content-Type": "application/json" };
  assert.equal(await raw("/api/state", {}), 403);
  assert.equal(await raw("/", {}), 403);
  assert.equal(await raw(new URL(app.url).pathname + new URL(app.url).search, {}), 403, "the token works once");
  assert.equal(await raw("/api/state", { Cookie: cookie }), 200);
  assert.equal(await raw("/api/state", { Cookie: cookie, Host: "vigil.example:80" }), 421);
  assert.equal(await raw("/api/state", { Cookie: cookie, Host: "localhost" }), 421);
  assert.equal(await raw("/api/state", { Cookie: cookie, Origin: "http://evil.example" }), 403);
  assert.equal(await raw("/api/state", { Cookie: cookie, "Sec-Fetch-Site": "cross-site" }), 403);
  assert.equal(await raw("/api/quit", { Cookie: cookie, ...json }, "POST", "{}"), 403, "a change without Origin");
  assert.equal(await raw("/api/quit", { Cookie: cookie, ...json, Origin: "http://127.0.0.1:1" }, "POST", "{}"), 403);
  assert.equal(await raw("/api/quit", { Cookie: cookie, Origin: app.origin }, "POST", "{}"), 415, "a form post is not JSON");

  // Another page served from 127.0.0.1 (same site, so the browser sends the cookie) tries the API.
  let other: Server | undefined;
  try {
    other = createServer((_req, res) => {
      res.writeHead(200, { "Content-Type": "text/html" });
      res.end(`<!doctype html><img src="${app.origin}/api/state"><script>
        fetch("${app.origin}/api/state", { credentials: "include" }).catch(() => {});
        fetch("${app.origin}/api/quit", { method: "POST", mode: "no-cors", credentials: "include", headers: { "Content-Type": "text/plain" }, body: "{}" }).catch(() => {});
        const f = document.createElement("form"); f.method = "POST"; f.action = "${app.origin}/api/cases"; f.target = "sink";
        document.body.append(Object.assign(document.createElement("iframe"), { name: "sink" }), f); f.submit();
      </script>`);
    });
    await new Promise<void>((r) => other!.listen(0, "127.0.0.1", () => r()));
    const foreign = `http://127.0.0.1:${(other.address() as AddressInfo).port}/`;
    const evil = await signedIn!.newPage();
    // The browser hides refused cross-origin answers from the page; DevTools shows what went over the wire.
    const cdp = await signedIn!.newCDPSession(evil);
    await cdp.send("Network.enable");
    const urls = new Map<string, string>();
    const sent = new Map<string, Record<string, string>>();
    const statuses = new Map<string, number>();
    cdp.on("Network.requestWillBeSent", (e) => urls.set(e.requestId, e.request.url));
    cdp.on("Network.requestWillBeSentExtraInfo", (e) => sent.set(e.requestId, e.headers as Record<string, string>));
    cdp.on("Network.responseReceivedExtraInfo", (e) => statuses.set(e.requestId, e.statusCode));
    await evil.goto(foreign);
    const toApp = () => [...urls].filter(([, u]) => u.startsWith(app.origin)).map(([id]) => id);
    for (let i = 0; i < 100 && toApp().filter((id) => statuses.has(id)).length < 4; i++) await evil.waitForTimeout(50);
    const answers = toApp().map((id) => [urls.get(id), statuses.get(id), /vigil_app_\d+=/.test(sent.get(id)?.cookie ?? sent.get(id)?.Cookie ?? "")]);
    assert.equal(answers.length, 4, JSON.stringify(answers));
    // The session cookie went along (127.0.0.1 on another port is the same site), and still: 403.
    for (const [url, status, withCookie] of answers) {
      assert.equal(status, 403, String(url));
      assert.equal(withCookie, true, String(url));
    }
    assert.equal(existsSync(join(results, "cases")), false, "the form post created no case");
    await evil.close();
  } finally {
    other?.close();
  }
  // The app still runs, and its own page still works.
  await page.reload();
  await page.locator("#home-title").waitFor();
  assert.equal(app.child.exitCode, null);
  await page.close();
});

test("French, keyboard and a phone's width", { skip }, async () => {
  const page = await appPage();
  await page.locator("#backups li").first().waitFor();
  await page.getByLabel("Language", { exact: true }).selectOption("fr");
  await page.locator("#home-title", { hasText: "Vérifier un téléphone" }).waitFor();
  assert.equal(await page.locator("html").getAttribute("lang"), "fr");
  // The list is drawn again in French once the backups are read again.
  await page.locator("#backups li", { hasText: "Chiffrée" }).waitFor();
  // What the server refuses is said in the page's language, with its technical detail.
  await page.locator("#path").fill(join(home, "n’existe pas"));
  await page.getByRole("button", { name: "Continuer" }).click();
  await page.locator("#path-error", { hasText: "Vigil ne peut pas lire ceci : " }).waitFor();
  assert.match(await page.locator("#path-error").innerText(), /n’existe pas/);
  await page.locator("#path").fill("");
  await page.setViewportSize({ width: 390, height: 844 });
  assert.ok(await page.evaluate("document.documentElement.scrollWidth <= 390"), "nothing scrolls sideways at 390 px");
  await page.screenshot({ path: join(SHOTS, "home-fr-390.png"), fullPage: true });

  // The backup's button is reached with Tab alone, and Enter opens the check page.
  await page.locator("body").click({ position: { x: 1, y: 1 } });
  let label = "";
  for (let i = 0; i < 40 && label !== "Vérifier cette sauvegarde"; i++) {
    await page.keyboard.press("Tab");
    label = await page.evaluate("document.activeElement?.textContent ?? ''");
  }
  assert.equal(label, "Vérifier cette sauvegarde");
  await page.keyboard.press("Enter");
  await page.locator("#check-title").waitFor();
  assert.equal(await page.evaluate("document.activeElement?.id"), "check-title");
  assert.equal(await page.getByLabel("Mot de passe de la sauvegarde").isVisible(), true);
  await page.screenshot({ path: join(SHOTS, "check-fr-390.png"), fullPage: true });
  await page.getByLabel("Langue", { exact: true }).selectOption("en");
  await page.locator("#check-title", { hasText: "Check" }).waitFor();
  await page.close();
});

test("the folder browser shows the home folder and marks backups", { skip }, async () => {
  const page = await appPage();
  await page.getByLabel(/^(Language|Langue)$/).selectOption("en");
  await page.getByRole("button", { name: "Browse…" }).click();
  await page.locator("#browse-where", { hasText: home }).waitFor();
  await page.getByRole("button", { name: "Open folder Clé USB" }).click();
  await page.getByRole("button", { name: "Choose iPhone backup sauvegarde" }).click();
  assert.equal(await page.getByLabel("Folder or file to check").inputValue(), bigBackup);
  await page.close();
});

test("a case: created, an encrypted backup added with its password, the case report opened", { skip }, async () => {
  const page = await appPage();
  await page.locator("#nav a", { hasText: "Cases" }).click();
  await page.locator("#cases-none").waitFor();
  await page.getByLabel("Name of a new case").fill("Zoë: dossier 12");
  await page.getByRole("button", { name: "Create the case" }).click();
  const card = page.locator("#cases-list li.card", { hasText: "Zoë: dossier 12" });
  await card.waitFor();
  assert.match(await card.innerText(), /0 acquisitions/);
  await card.getByRole("button", { name: "Add an acquisition" }).click();
  await page.locator("#home-title").waitFor();
  await page.locator("#backups li", { hasText: "iPhone de Zoë" }).getByRole("button", { name: "Check this backup" }).click();
  assert.equal(await page.getByLabel("Add to a case").locator("option:checked").innerText(), "Zoë: dossier 12");
  await page.getByLabel("Backup password").fill(PASSWORD);
  await page.getByRole("button", { name: "Start the check" }).click();
  await page.locator("#verdict", { hasText: "Traces of known spyware found" }).waitFor({ timeout: 120_000 });
  const caseReport = page.getByRole("link", { name: "Open the case report" });
  assert.equal(await caseReport.isVisible(), true);
  const caseDir = join(results, "cases", "Zoë- dossier 12");
  assert.equal(await page.locator("#saved").innerText(), join(caseDir, "acquisitions", "01-ios_backup"));
  assert.ok(existsSync(join(caseDir, "report.html")));
  await page.screenshot({ path: join(SHOTS, "case-verdict.png"), fullPage: true });

  await page.locator("#nav a", { hasText: "Cases" }).click();
  await card.locator("text=1 acquisition").waitFor();
  const [report] = await Promise.all([signedIn!.waitForEvent("page"), card.getByRole("link", { name: "Open the case report" }).click()]);
  await report.waitForLoadState();
  assert.match(await report.title(), /Vigil case Zoë: dossier 12/);
  assert.match(await report.locator("div.verdict").first().innerText(), /TRACES/i);
  await report.screenshot({ path: join(SHOTS, "case-report.png") });
  await report.close();
  await page.close();
});

test("indicators: the sets in use, their age, and the update that says it uses the internet", { skip }, async () => {
  const page = await appPage();
  await page.locator("#nav a", { hasText: "Indicators" }).click();
  await page.locator("#iocs-status", { hasText: /Checks use [\d,]+ indicators in \d+ sets/ }).waitFor();
  assert.match(await page.locator("#iocs-facts").innerText(), /those that came with Vigil/);
  assert.match(await page.locator("#iocs-facts").innerText(), /days? old/);
  assert.ok((await page.locator("#sets tr").count()) > 0);
  assert.match(await page.locator(".warning").innerText(), /the one thing Vigil does that uses the internet/);
  // Declined: nothing is started.
  page.once("dialog", (d) => void d.dismiss());
  await page.getByRole("button", { name: "Download the newest indicators" }).click();
  assert.equal(await page.locator("#update-log").isVisible(), false);
  await page.screenshot({ path: join(SHOTS, "indicators.png"), fullPage: true });
  await page.close();
});

test("every request of the app's pages went to the app itself (or the test's other page)", { skip }, () => {
  assert.ok(requests.length > 10);
  const outside = requests.filter((u) => !u.startsWith(app.origin) && !/^http:\/\/127\.0\.0\.1:\d+\/$/.test(u) && !u.startsWith("data:") && u !== "about:blank");
  assert.deepEqual(outside, []);
});

// The timeout is far above a normal stop; an app that kept itself alive after stopping (its idle
// timer armed again as the pages closed) waited minutes.
test("Quit stops the app", { skip, timeout: 120_000 }, async () => {
  const page = await appPage();
  page.on("dialog", (d) => void d.accept());
  await page.getByRole("button", { name: "Quit Vigil" }).click();
  assert.equal(await app.exited, 0);
  assert.match(app.stdout(), /Vigil stopped \(asked to stop\)/);
  await page.close();
});

test("with no page open, the app stops by itself", async () => {
  const idle = await startApp(["--stop-after", "0.02"], { HOME: testDir("vigil-app-idle") });
  assert.equal(await idle.exited, 0);
  assert.match(idle.stdout(), /Vigil stopped \(no page was open for a while\)/);
});
