// report.html in a real headless Chromium (Debian's package, driven by playwright-core; no browser
// download). Skipped with a reason when Chromium is not installed; .ci/run installs it.
// The layout is checked at 1280 px, at a 390 px phone width and printed to PDF, in English and
// French; the screenshots and the PDFs are saved in test-output/report-layout/ (gitignored).
import assert from "node:assert/strict";
import { existsSync, mkdirSync, readFileSync, rmSync, statSync } from "node:fs";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { after, before, test } from "node:test";
import { chromium, type Browser, type Page } from "playwright-core";
import { openIosBackup } from "../../../src/acquisitions/ios-backup/open.ts";
import { buildSyntheticBackup, DEMO_PLANTED, DEMO_SIZES } from "../../../src/demo/demo-backup.ts";
import { runCheck } from "../../../src/pipeline/check.ts";
import { writeHtmlReport } from "../../../src/report/html/index.ts";
import { testDir } from "../../helpers/archive-builder.ts";
import { buildResultsFolder, LONG_URL, PLANTED_DOMAIN } from "../../helpers/results-fixture.ts";

const CHROMIUM = process.env.VIGIL_CHROMIUM ?? "/usr/bin/chromium";
const skip = existsSync(CHROMIUM) ? false : `no Chromium at ${CHROMIUM} (apt-get install chromium)`;
let browser: Browser;
let url: string;
/** Reports for the layout checks: long values, a skipped stretch, placeholder dates; and vigil demo's. */
const layout: Record<string, string> = {};
const SHOTS = join("test-output", "report-layout");
const LAYOUT_CHECK = readFileSync(join(import.meta.dirname, "../../helpers/report-layout.browser.js"), "utf8");

before(async () => {
  if (skip) return;
  browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync"],
  });
  const dir = await buildResultsFolder({ days: 120 });
  url = pathToFileURL(await writeHtmlReport(dir, { lang: "en" })).href;
  const long = await buildResultsFolder({ days: 40, long: true });
  for (const lang of ["en", "fr"]) layout[`fixture-${lang}`] = pathToFileURL(await writeHtmlReport(long, { lang, out: join(long, `report-${lang}.html`) })).href;
  const work = testDir("vigil-browser-demo");
  const backup = (await buildSyntheticBackup(join(work, "backup"), DEMO_SIZES, { planted: DEMO_PLANTED })).dir;
  const demo = await runCheck("demo", backup, () => openIosBackup(backup), { output: join(work, "out"), quiet: true, json: true, jobs: "1", report: false }, { demo: true });
  for (const lang of ["en", "fr"]) layout[`demo-${lang}`] = pathToFileURL(await writeHtmlReport(demo.outputDir, { lang, out: join(demo.outputDir, `report-${lang}.html`) })).href;
  rmSync(SHOTS, { recursive: true, force: true });
  mkdirSync(SHOTS, { recursive: true });
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

/** What is wrong with the page's layout (test/helpers/report-layout.browser.js), details opened first so raw records and event lists count too. */
async function layoutProblems(page: Page): Promise<string[]> {
  await page.evaluate("document.querySelectorAll('details').forEach((d) => (d.open = true))");
  return (await page.evaluate(LAYOUT_CHECK)) as string[];
}

for (const [width, height] of [[1280, 900], [390, 844]] as const) {
  test(`layout at ${width} px: no sideways scrolling, no table cut off, no ordinary word broken (English and French, long values, vigil demo)`, { skip }, async () => {
    for (const [name, href] of Object.entries(layout)) {
      const context = await browser.newContext({ viewport: { width, height } });
      const page = await context.newPage();
      await page.goto(href);
      await page.screenshot({ path: join(SHOTS, `${name}-${width}.png`), fullPage: true });
      const problems = await layoutProblems(page);
      assert.deepEqual(problems, [], `${name} at ${width} px`);
      await context.close();
    }
  });
}

test("layout in print: no table cut off on an A4 page; the PDF is written", { skip }, async () => {
  for (const [name, href] of Object.entries(layout)) {
    // An A4 page's printable width at 96 dpi (210 mm less Chromium's 1 cm margins on each side).
    const context = await browser.newContext({ viewport: { width: 718, height: 1000 } });
    const page = await context.newPage();
    await page.goto(href);
    await page.emulateMedia({ media: "print" });
    const problems = await layoutProblems(page);
    assert.deepEqual(problems, [], `${name} in print`);
    const pdf = join(SHOTS, `${name}.pdf`);
    await page.pdf({ path: pdf, format: "A4", printBackground: true });
    assert.ok(statSync(pdf).size > 10_000, pdf);
    await context.close();
  }
});

test("the timeline says which empty stretches it skips, and keeps placeholder dates out of its axis while listing them", { skip }, async () => {
  for (const lang of ["en", "fr"]) {
    const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    await page.goto(layout[`fixture-${lang}`]);
    // The axis runs from the first real day to the last, not from 1970.
    assert.deepEqual(await page.locator(".axis span").allInnerTexts(), ["2026-01-01", "2026-04-14"]);
    assert.equal(await page.locator("#overview .gap").count(), 1);
    const gaps = await page.locator("#gaps").innerText();
    assert.match(gaps, /2026-02-10/);
    assert.match(gaps, /2026-04-09/);
    assert.match(gaps, lang === "en" ? /skips 1 stretch of more than 7 days/ : /saute 1 période de plus de 7 jours/);
    const placeholders = await page.locator("#placeholders").innerText();
    assert.match(placeholders, /1970-01-01/);
    assert.match(placeholders, /2001-01-01/);
    assert.match(placeholders, lang === "en" ? /2 events are dated before 2007/ : /2 événements sont datés d'avant 2007/);
    await page.locator("#timeline").screenshot({ path: join(SHOTS, `timeline-${lang}.png`) });
    // The language switch renders the notes again, and zooming still draws the chart.
    await page.locator("#around").click();
    assert.ok((await page.locator("#overview rect.bar").count()) > 0);
    await page.selectOption("#lang", lang === "en" ? "fr" : "en");
    assert.match(await page.locator("#gaps").innerText(), lang === "en" ? /saute 1 période/ : /skips 1 stretch/);
    await page.close();
  }
});

test("the language switch renders detection titles, whys, module titles and coverage reasons again", { skip }, async () => {
  const page = await browser.newPage();
  await page.goto(layout["demo-fr"]);
  const title = page.locator("article.det h4").first();
  assert.match(await title.innerText(), /Processus connu de logiciel espion bh/);
  await page.selectOption("#lang", "en");
  assert.match(await title.innerText(), /Known spyware process bh used the network/);
  assert.match(await page.locator("#coverage").innerText(), /not in this backup: HomeDomain\/Library\/CallHistoryDB/);
  assert.match(await page.locator("#coverage").innerText(), /Call history/);
  await page.selectOption("#lang", "fr");
  assert.match(await title.innerText(), /Processus connu de logiciel espion bh/);
  assert.match(await page.locator("#coverage").innerText(), /Historique des appels/);
  await page.close();
});

test("vigil demo's report says at the top that the phone is synthetic and the traces planted", { skip }, async () => {
  for (const [lang, text] of [["en", /Demonstration: this phone does not exist.*planted traces/], ["fr", /Démonstration : ce téléphone n'existe pas.*y a placé des traces/]] as const) {
    const page = await browser.newPage({ viewport: { width: 390, height: 844 } });
    await page.goto(layout[`demo-${lang}`]);
    const banner = page.locator("#demo");
    assert.match(await banner.innerText(), text);
    // Above the verdict, on the first screen.
    const [b, v] = [await banner.boundingBox(), await page.locator("#verdict").boundingBox()];
    assert.ok(b && v && b.y < v.y && b.y < 844, JSON.stringify([b, v]));
    await page.close();
  }
  // A real check's report has no such note.
  const page = await browser.newPage();
  await page.goto(layout["fixture-en"]);
  assert.equal(await page.locator("#demo").count(), 0);
  await page.close();
});

test("long values wrap inside the detection card", { skip }, async () => {
  const page = await browser.newPage({ viewport: { width: 390, height: 844 } });
  await page.goto(layout["fixture-en"]);
  const card = page.locator("article.det", { hasText: "exploit-chain-stage" }).first();
  assert.ok(LONG_URL.length > 300);
  const box = (await card.boundingBox())!;
  assert.ok(box.x + box.width <= 390, JSON.stringify(box));
  await page.close();
});
