// report.html in a real headless Chromium (Debian's package, driven by playwright-core; no browser
// download). Skipped with a reason when Chromium is not installed; .ci/run installs it.
import assert from "node:assert/strict";
import { existsSync, mkdirSync } from "node:fs";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { after, before, test } from "node:test";
import { chromium, type Browser } from "playwright-core";
import { writeHtmlReport } from "../../../src/report/html/index.ts";
import { buildResultsFolder, PLANTED_DOMAIN } from "../../helpers/results-fixture.ts";

const CHROMIUM = process.env.VIGIL_CHROMIUM ?? "/usr/bin/chromium";
const skip = existsSync(CHROMIUM) ? false : `no Chromium at ${CHROMIUM} (apt-get install chromium)`;
let browser: Browser;
let url: string;

before(async () => {
  if (skip) return;
  browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync"],
  });
  const dir = await buildResultsFolder({ days: 120 });
  url = pathToFileURL(await writeHtmlReport(dir, { lang: "en" })).href;
});
after(async () => {
  await browser?.close();
});

test("loads from file://, shows the verdict and the planted detection, makes no network request", { skip }, async () => {
  const context = await browser.newContext({ viewport: { width: 1200, height: 1400 } });
  const page = await context.newPage();
  const requests: string[] = [];
  page.on("request", (r) => requests.push(r.url()));
  await page.goto(url);
  assert.equal(await page.locator("#verdict h2").innerText(), "Traces of known spyware found");
  assert.ok((await page.locator("article.det").first().innerText()).includes(PLANTED_DOMAIN));
  // The zoom control is a script feature: it must be visible when scripts run.
  assert.equal(await page.locator(".zoom").isVisible(), true);
  await page.locator("#around").click();
  assert.ok((await page.locator("#overview rect.bar").count()) < 120);
  await page.locator("#filter").fill("no-such-thing");
  assert.equal(await page.locator("article.det").first().isVisible(), false);
  await page.locator("#filter").fill(PLANTED_DOMAIN);
  assert.equal(await page.locator("article.det").first().isVisible(), true);
  mkdirSync("test-output", { recursive: true });
  await page.screenshot({ path: join("test-output", "report.png"), fullPage: true });
  const external = requests.filter((u) => !u.startsWith("file:") && !u.startsWith("data:"));
  assert.deepEqual(external, []);
  assert.deepEqual(requests, [url]);
  await context.close();
});

test("switches language in the page", { skip }, async () => {
  const page = await browser.newPage();
  await page.goto(url);
  await page.selectOption("#lang", "fr");
  assert.equal(await page.locator("#verdict h2").innerText(), "Traces de logiciel espion connu trouvées");
  assert.equal(await page.locator("html").getAttribute("lang"), "fr");
  await page.close();
});

test("verdict and detections readable with JavaScript disabled", { skip }, async () => {
  const context = await browser.newContext({ javaScriptEnabled: false });
  const page = await context.newPage();
  await page.goto(url);
  assert.equal(await page.locator("#verdict h2").innerText(), "Traces of known spyware found");
  assert.ok((await page.locator("article.det").first().innerText()).includes(PLANTED_DOMAIN));
  assert.equal(await page.locator(".zoom").isVisible(), false);
  await context.close();
});
