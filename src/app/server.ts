// `vigil app`: a local server for one person's browser. It listens on 127.0.0.1 only, admits only
// the page it opened (guard.ts), serves a page of plain HTML, CSS and a little JavaScript from
// src/app/static/ (nothing from elsewhere: a strict Content-Security-Policy says so to the
// browser too), and runs checks, case additions and indicator updates as `vigil` commands
// (jobs.ts) whose progress goes to the page as Server-Sent Events. Reports are served under a
// random path per results folder, sandboxed: a report shows evidence (message texts, links)
// that an attacker may have written, so its page may run its own script but reach nothing.
// The server stops when asked, or once no page has been open for a while and nothing runs.
import { existsSync, readFileSync, readdirSync, realpathSync, rmSync, statSync } from "node:fs";
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { randomBytes } from "node:crypto";
import { isAbsolute, join, resolve, sep } from "node:path";
import { detectAcquisition } from "../acquisitions/detect.ts";
import { backupsHere, describeBackup } from "../acquisitions/ios-backup/found.ts";
import { locateBackup } from "../acquisitions/ios-backup/locate.ts";
import { describeError } from "../core/errors.ts";
import { srcAsset } from "../core/paths.ts";
import { VERSION } from "../core/version.ts";
import { allModules } from "../modules/registry.ts";
import { pickLanguage } from "../core/i18n/index.ts";
import { browsePlaces, listFolder } from "./browse.ts";
import { appCatalogs } from "./catalogs.ts";
import { checkFolder, earlierChecks, listCases, newCase, readJson as readJsonFile } from "./folders.ts";
import { Guard } from "./guard.ts";
import { indicatorsInUse } from "./indicators.ts";
import { Jobs, type JobEvent, type JobView } from "./jobs.ts";

export interface AppOptions {
  /** The person's home folder: the folder browser's first place. */
  home: string;
  /** Where checks and cases are saved. */
  results: string;
  /** More folders to look for iPhone backups in (--in). */
  backupDirs?: string[];
  /** 0 (default): a free port. */
  port?: number;
  /** Stop after this long with no page open and nothing running. */
  stopAfterMs: number;
  /** Told once, when the app stops, why it stopped. */
  onStop?: (why: string) => void;
}

export interface RunningApp {
  /** The address to open once: it holds the one-time token. */
  url: string;
  origin: string;
  stop(why: string): Promise<void>;
  /** Resolves with the reason once the app has stopped. */
  stopped: Promise<string>;
}

const STATIC: Record<string, string> = { "app.js": "text/javascript", "app.css": "text/css" };
const APP_CSP =
  "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; frame-src 'self'; form-action 'self'; base-uri 'none'; frame-ancestors 'none'";
// The report's inline style and script run in an opaque origin: no cookie, no request anywhere.
const REPORT_CSP = "sandbox allow-scripts allow-popups allow-popups-to-escape-sandbox; default-src 'none'; script-src 'unsafe-inline'; style-src 'unsafe-inline'; img-src data:; frame-ancestors 'self'";
const COMMON_HEADERS = {
  "X-Content-Type-Options": "nosniff",
  "Referrer-Policy": "no-referrer",
  "Cache-Control": "no-store",
  "Cross-Origin-Opener-Policy": "same-origin",
  "Cross-Origin-Resource-Policy": "same-origin",
};
/** Request bodies are small JSON objects. */
const MAX_BODY = 64 * 1024;
const SSE_KEEPALIVE_MS = 20_000;

/** An answer other than 200. `key` names the page's message for it (app/i18n), for the messages a person reads; the English text stays for programs. */
class HttpError extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly key?: string,
  ) {
    super(message);
  }
}

/**
 * Reads a JSON body, then zero-fills every buffer that held it: a password in it is not left
 * lying in memory Node may reuse (the parsed string itself goes when nothing refers to it).
 */
async function readBody(req: IncomingMessage): Promise<Record<string, unknown>> {
  if (!/^application\/json\b/i.test(req.headers["content-type"] ?? "")) throw new HttpError(415, "expected application/json");
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const c of req) {
    chunks.push(c as Buffer);
    size += (c as Buffer).length;
    if (size > MAX_BODY) throw new HttpError(413, "request too large");
  }
  const all = Buffer.concat(chunks);
  try {
    const v = JSON.parse(all.toString("utf8")) as unknown;
    if (!v || typeof v !== "object" || Array.isArray(v)) throw new HttpError(400, "expected a JSON object");
    return v as Record<string, unknown>;
  } catch (e) {
    throw e instanceof HttpError ? e : new HttpError(400, "malformed JSON");
  } finally {
    all.fill(0);
    for (const c of chunks) c.fill(0);
  }
}

const text = (v: unknown): string | undefined => (typeof v === "string" && v.trim() ? v.trim() : undefined);
const strings = (v: unknown): string[] => (Array.isArray(v) ? v.filter((x): x is string => typeof x === "string" && x.trim() !== "").map((x) => x.trim()) : []);

export async function startApp(opts: AppOptions): Promise<RunningApp> {
  const pages = {
    index: readFileSync(srcAsset("app", "static", "index.html")),
    ...Object.fromEntries(Object.keys(STATIC).map((f) => [f, readFileSync(srcAsset("app", "static", f))])),
  } as Record<string, Buffer>;
  const i18n = appCatalogs();
  const moduleTitles = Object.fromEntries(allModules.map((m) => [m.name, m.title]));
  const jobs = new Jobs();
  const clients = new Set<ServerResponse>();
  /** Random path → results or case folder whose reports may be shown. */
  const reportDirs = new Map<string, string>();
  const reportPath = (dir: string, file = "report.html"): string | undefined => {
    if (!existsSync(join(dir, file))) return undefined;
    let key = [...reportDirs].find(([, d]) => d === dir)?.[0];
    if (!key) {
      key = randomBytes(16).toString("base64url");
      reportDirs.set(key, dir);
    }
    return `/r/${key}/${file.split(sep).join("/")}`;
  };

  let stopping: Promise<void> | undefined;
  let resolveStopped!: (why: string) => void;
  const stopped = new Promise<string>((r) => (resolveStopped = r));
  let idleTimer: NodeJS.Timeout | undefined;
  const watchIdle = () => {
    if (stopping) return;
    if (clients.size === 0 && !jobs.busy()) {
      idleTimer ??= setTimeout(() => void stop("no page was open for a while"), opts.stopAfterMs);
    } else if (idleTimer) {
      clearTimeout(idleTimer);
      idleTimer = undefined;
    }
  };
  const broadcast = (e: JobEvent) => {
    const data = `data: ${JSON.stringify(e)}\n\n`;
    for (const c of clients) c.write(data);
  };
  jobs.on("event", (e) => {
    broadcast(e);
    if (e.type === "job") watchIdle();
  });

  const server = createServer((req, res) => {
    handle(req, res).catch((e) => {
      const status = e instanceof HttpError ? e.status : 500;
      if (!res.headersSent) send(res, status, e instanceof HttpError ? { error: e.message, key: e.key } : { error: describeError(e) });
      else res.end();
    });
  });
  // Slow or idle connections of other programs on this computer do not hold the server.
  server.headersTimeout = 10_000;
  server.requestTimeout = 30_000;
  await new Promise<void>((ok, fail) => {
    server.once("error", fail);
    server.listen({ host: "127.0.0.1", port: opts.port ?? 0, exclusive: true }, () => ok());
  });
  const port = (server.address() as AddressInfo).port;
  const guard = new Guard(port);

  function send(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
    const buf = Buffer.isBuffer(body) ? body : Buffer.from(JSON.stringify(body));
    res.writeHead(status, { ...COMMON_HEADERS, "Content-Type": "application/json; charset=utf-8", "Content-Security-Policy": APP_CSP, "X-Frame-Options": "DENY", ...headers, "Content-Length": String(buf.length) });
    res.end(buf);
  }

  function refuse(res: ServerResponse, status: number, why: string, api: boolean): void {
    if (api) return send(res, status, { error: why });
    const page = `<!doctype html><html lang="en"><meta charset="utf-8"><title>Vigil</title><p>Vigil: ${why.replace(/[<>&]/g, "")}.</p></html>`;
    send(res, status, Buffer.from(page), { "Content-Type": "text/html; charset=utf-8" });
  }

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? "/", guard.origin);
    const path = url.pathname;
    if (path.startsWith("/r/")) return serveReport(req, res, path);
    const admitted = guard.admit(req, url);
    if (admitted.ok === false) return refuse(res, admitted.status, admitted.why, path.startsWith("/api/"));
    if (admitted.ok === "exchange") return send(res, 303, Buffer.alloc(0), { "Set-Cookie": admitted.cookie, Location: "/", "Content-Type": "text/plain" });
    const method = req.method ?? "GET";
    if (method === "GET" && path === "/") return send(res, 200, pages.index, { "Content-Type": "text/html; charset=utf-8" });
    const asset = /^\/static\/([\w.-]+)$/.exec(path)?.[1];
    if (method === "GET" && asset && STATIC[asset]) return send(res, 200, pages[asset], { "Content-Type": `${STATIC[asset]}; charset=utf-8` });
    if (!path.startsWith("/api/")) throw new HttpError(404, "no such page");
    const route = `${method} ${path.replace(/^\/api\/jobs\/[\w-]+/, "/api/jobs/:id").replace(/^\/api\/i18n\/[\w-]+/, "/api/i18n/:lang")}`;
    const jobId = /^\/api\/jobs\/([\w-]+)/.exec(path)?.[1];
    switch (route) {
      case "GET /api/state":
        return send(res, 200, { version: VERSION, languages: Object.keys(i18n), lang: pickLanguage(), home: opts.home, results: opts.results, platform: process.platform, sep });
      case "GET /api/i18n/:lang": {
        const cat = i18n[path.split("/").pop()!];
        if (!cat) throw new HttpError(404, "no such language");
        return send(res, 200, cat);
      }
      case "GET /api/modules":
        return send(res, 200, moduleTitles);
      case "GET /api/events":
        return events(req, res);
      case "GET /api/backups":
        return send(res, 200, await backupsHere(opts.backupDirs));
      case "GET /api/browse": {
        const places = browsePlaces({ platform: process.platform, home: opts.home, user: process.env.USER ?? process.env.LOGNAME, exists: existsSync, list: (d) => readdirSync(d) });
        const listing = await listFolder(url.searchParams.get("path") || opts.home, places);
        if (!listing) throw new HttpError(403, "the folder browser shows only your home folder and mounted volumes", "error.browse.outside");
        return send(res, 200, listing);
      }
      case "POST /api/inspect":
        return send(res, 200, await inspect(await readBody(req)));
      case "GET /api/results":
        return send(res, 200, earlierChecks(opts.results).map((c) => ({ ...c, report: reportPath(c.dir) })));
      case "GET /api/jobs":
        return send(res, 200, jobs.list());
      case "POST /api/checks":
        return send(res, 200, await startCheck(await readBody(req)));
      case "POST /api/jobs/:id/cancel":
        await readBody(req);
        if (!jobs.cancel(jobId!)) throw new HttpError(409, "this task is not running", "error.job.not_running");
        return send(res, 200, {});
      case "POST /api/jobs/:id/secret": {
        const body = await readBody(req);
        if (!jobs.giveSecret(jobId!, typeof body.value === "string" && body.value !== "" ? body.value : null)) throw new HttpError(409, "this task is not waiting for a password", "error.job.no_password");
        return send(res, 200, {});
      }
      case "GET /api/cases":
        return send(res, 200, casesWithReports());
      case "POST /api/cases": {
        const name = text((await readBody(req)).name);
        if (!name) throw new HttpError(400, "give the case a name", "cases.name.missing");
        return send(res, 200, newCase(opts.results, name));
      }
      case "GET /api/indicators":
        return send(res, 200, await indicatorsInUse());
      case "POST /api/indicators/update":
        await readBody(req);
        return send(res, 200, jobs.start("update", ["update"]));
      case "POST /api/quit":
        await readBody(req);
        send(res, 200, {});
        setImmediate(() => void stop("asked to stop"));
        return;
    }
    throw new HttpError(404, "no such request");
  }

  function casesWithReports() {
    return listCases(opts.results).map((c) => ({ ...c, reportUrl: c.report ? reportPath(c.dir) : undefined }));
  }

  function events(req: IncomingMessage, res: ServerResponse): void {
    res.writeHead(200, { ...COMMON_HEADERS, "Content-Type": "text/event-stream; charset=utf-8", "Content-Security-Policy": APP_CSP, Connection: "keep-alive" });
    res.write("retry: 2000\n\n");
    clients.add(res);
    watchIdle();
    const keepalive = setInterval(() => res.write(": still here\n\n"), SSE_KEEPALIVE_MS);
    keepalive.unref();
    req.on("close", () => {
      clearInterval(keepalive);
      clients.delete(res);
      watchIdle();
    });
  }

  /** What the page needs to know about a path before a check: its kind and, for a backup, what its plists say. */
  async function inspect(body: Record<string, unknown>) {
    const given = text(body.path);
    if (!given) throw new HttpError(400, "type or paste the path of an acquisition", "other.empty");
    const path = resolve(opts.home, given);
    try {
      const found = await detectAcquisition(path);
      const backup = found.kind === "ios_backup" ? await describeBackup(locateBackup(path).dir) : undefined;
      return { path: backup?.dir ?? path, kind: found.kind, because: found.because, backup };
    } catch (e) {
      throw new HttpError(422, describeError(e), "error.unreadable");
    }
  }

  async function startCheck(body: Record<string, unknown>): Promise<JobView> {
    const path = text(body.path);
    if (!path || !isAbsolute(path)) throw new HttpError(400, "choose an acquisition first", "error.check.no_path");
    const lang = text(body.lang) ?? "en";
    if (!i18n[lang]) throw new HttpError(400, `no such language: ${lang}`);
    const iocs = strings(body.iocs).flatMap((p) => ["--iocs", resolve(opts.home, p)]);
    const secret = typeof body.password === "string" && body.password !== "" ? body.password : undefined;
    const caseId = text(body.case);
    if (caseId) {
      const c = listCases(opts.results).find((x) => x.id === caseId);
      if (!c) throw new HttpError(404, "no such case", "error.case.missing");
      return jobs.start("case-add", ["case", "add", c.dir, path, "--json", "--progress", "json", "--lang", lang, ...iocs], {
        input: path,
        secret,
        extra: { caseId, caseName: c.name },
        onEnd: (view) => {
          const added = (view.output as { added?: string[] } | undefined)?.added?.[0];
          if (added) {
            const dir = join(c.dir, "acquisitions", added);
            view.extra.summary = readJsonFile(join(dir, "summary.json"));
            view.extra.outputDir = dir;
            view.extra.report = reportPath(c.dir, join("acquisitions", added, "report.html"));
          }
          view.extra.caseReport = reportPath(c.dir);
        },
      });
    }
    const kind = text(body.kind) ?? "check";
    const outputDir = checkFolder(opts.results, kind.replace(/[^\w-]/g, "_"));
    return jobs.start("check", ["check", path, "--json", "--progress", "json", "--output", outputDir, "--lang", lang, ...iocs], {
      input: path,
      secret,
      extra: { outputDir },
      onEnd: (view) => {
        // A cancelled or failed check leaves no half-written results folder behind.
        if (view.state !== "done") rmSync(outputDir, { recursive: true, force: true });
        else {
          view.extra.summary = readJsonFile(join(outputDir, "summary.json"));
          view.extra.report = reportPath(outputDir);
        }
      },
    });
  }

  /** A report.html below a folder the page was given a path for; nothing else is served there. */
  function serveReport(req: IncomingMessage, res: ServerResponse, path: string): void {
    const place = guard.checkPlace(req);
    if (place.ok === false) return refuse(res, place.status, place.why, false);
    const m = /^\/r\/([\w-]+)\/((?:[^/]+\/)*report\.html)$/.exec(path);
    const root = m && reportDirs.get(m[1]);
    if (!m || !root || req.method !== "GET") return refuse(res, 404, "no such report", false);
    const parts = decodeURIComponent(m[2]).split("/");
    if (parts.some((p) => p === ".." || p === "." || p === "" || p.includes("\\"))) return refuse(res, 404, "no such report", false);
    let file: string;
    try {
      file = realpathSync(join(root, ...parts));
      const base = realpathSync(root);
      if (!file.startsWith(base + sep) || !statSync(file).isFile()) throw new Error("outside");
    } catch {
      return refuse(res, 404, "no such report", false);
    }
    send(res, 200, readFileSync(file), { "Content-Type": "text/html; charset=utf-8", "Content-Security-Policy": REPORT_CSP, "X-Frame-Options": "SAMEORIGIN" });
  }

  function stop(why: string): Promise<void> {
    stopping ??= (async () => {
      // Pages closing below would otherwise arm the idle timer again and keep the process alive.
      if (idleTimer) clearTimeout(idleTimer);
      idleTimer = undefined;
      await jobs.stopAll();
      for (const c of clients) c.end();
      clients.clear();
      await new Promise<void>((ok) => {
        server.close(() => ok());
        server.closeAllConnections();
      });
      opts.onStop?.(why);
      resolveStopped(why);
    })();
    return stopping;
  }

  watchIdle();
  return { url: guard.openUrl(), origin: guard.origin, stop, stopped };
}
