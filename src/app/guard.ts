// Who may use the app's server: only the page it opened. The server listens on 127.0.0.1; the
// browser it opens gets a one-time token in the URL, exchanged at once for a session cookie
// (HttpOnly, SameSite=Strict, named after the port since cookies do not tell ports apart). Every
// request must name the server itself in Host (no DNS rebinding), come from the app's own origin
// when the browser says where it comes from (Origin, Sec-Fetch-Site: no cross-site or
// cross-origin request, not even from another page on 127.0.0.1), and carry the session cookie.
// Reports are served under unguessable per-folder paths instead (see server.ts).
import { randomBytes, timingSafeEqual } from "node:crypto";
import type { IncomingMessage } from "node:http";

export type Admission =
  | { ok: true }
  /** The token in the URL is right: set the cookie and send the browser on. */
  | { ok: "exchange"; cookie: string }
  | { ok: false; status: number; why: string };

export const TOKEN_PARAM = "token";

const secret = () => randomBytes(32).toString("base64url");

function same(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

export function cookieValue(header: string | undefined, name: string): string | undefined {
  for (const part of (header ?? "").split(";")) {
    const eq = part.indexOf("=");
    if (eq > 0 && part.slice(0, eq).trim() === name) return part.slice(eq + 1).trim();
  }
  return undefined;
}

export class Guard {
  readonly host: string;
  readonly origin: string;
  readonly cookieName: string;
  private token: string | undefined = secret();
  private readonly sessions = new Set<string>();

  constructor(readonly port: number) {
    this.host = `127.0.0.1:${port}`;
    this.origin = `http://${this.host}`;
    this.cookieName = `vigil_app_${port}`;
  }

  /** The address to open, with the one-time token. */
  openUrl(): string {
    if (!this.token) throw new Error("the token was already used");
    return `${this.origin}/?${TOKEN_PARAM}=${this.token}`;
  }

  /** Host and origin checks alone, for the report paths (which need no cookie). */
  checkPlace(req: IncomingMessage): Admission {
    if ((req.headers.host ?? "").toLowerCase() !== this.host) return { ok: false, status: 421, why: "this server answers only to its own address (Host)" };
    const origin = req.headers.origin;
    if (origin !== undefined && origin !== this.origin) return { ok: false, status: 403, why: "request from another site or page (Origin)" };
    return { ok: true };
  }

  admit(req: IncomingMessage, url: URL): Admission {
    const place = this.checkPlace(req);
    if (place.ok !== true) return place;
    const site = req.headers["sec-fetch-site"];
    const navigation = req.headers["sec-fetch-mode"] === "navigate" && req.method === "GET";
    // "none": the person opened the address (the browser Vigil started, a bookmark, a reload).
    if (site !== undefined && site !== "same-origin" && !(site === "none" && navigation)) {
      return { ok: false, status: 403, why: `request from another site or page (Sec-Fetch-Site: ${site})` };
    }
    const given = url.searchParams.get(TOKEN_PARAM);
    if (given !== null && req.method === "GET" && url.pathname === "/") {
      if (!this.token || !same(given, this.token)) return { ok: false, status: 403, why: "this link was already used or is not this app's: start Vigil again (vigil app)" };
      this.token = undefined;
      const session = secret();
      this.sessions.add(session);
      return { ok: "exchange", cookie: `${this.cookieName}=${session}; HttpOnly; SameSite=Strict; Path=/` };
    }
    const cookie = cookieValue(req.headers.cookie, this.cookieName);
    if (!cookie || ![...this.sessions].some((s) => same(s, cookie))) return { ok: false, status: 403, why: "not the page Vigil opened: start Vigil again (vigil app)" };
    if (req.method !== "GET" && req.method !== "HEAD" && origin(req) !== this.origin) {
      // Browsers send Origin with every POST; a request without one did not come from the page.
      return { ok: false, status: 403, why: "a change must come from the app's page (Origin)" };
    }
    return { ok: true };
  }
}

const origin = (req: IncomingMessage) => req.headers.origin;
