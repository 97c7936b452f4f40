// HTTP/1.x request heads in a client's byte stream: method, target, Host and User-Agent. The
// stream is read request after request while bodies have a Content-Length; a chunked body or
// anything unreadable stops it (the first requests are what names the server).

export interface HttpRequest {
  method: string;
  target: string;
  host?: string;
  userAgent?: string;
}

const METHODS = /^(GET|POST|HEAD|PUT|DELETE|OPTIONS|PATCH|CONNECT|TRACE) (\S+) HTTP\/1\.[019]$/;

/** Whether a client's first bytes look like an HTTP/1.x request. */
export function looksLikeHttp(b: Buffer, start: number, end: number): boolean {
  if (end - start < 4) return false;
  const s = b.toString("latin1", start, Math.min(end, start + 8));
  return /^(GET|POST|HEAD|PUT|DELETE|OPTIONS|PATCH|CONNECT|TRACE) /.test(s);
}

/**
 * The complete requests at the front of `b`: each with the bytes it took (head and body).
 * `stop`: the stream cannot be followed further (not HTTP, or a body of unknown length);
 * `skip`: body bytes still to come after `b` before the next request.
 */
export function parseRequests(b: Buffer): { requests: HttpRequest[]; used: number; stop: boolean; skip: number } {
  const requests: HttpRequest[] = [];
  let p = 0;
  while (p < b.length) {
    const headEnd = b.indexOf("\r\n\r\n", p, "latin1");
    if (headEnd < 0) return { requests, used: p, stop: b.length - p > 16384, skip: 0 };
    const lines = b.toString("latin1", p, headEnd).split("\r\n");
    const m = METHODS.exec(lines[0]!);
    if (!m) return { requests, used: p, stop: true, skip: 0 };
    const req: HttpRequest = { method: m[1]!, target: m[2]! };
    let bodyLen = 0;
    let chunked = false;
    for (let i = 1; i < lines.length; i++) {
      const line = lines[i]!;
      const c = line.indexOf(":");
      if (c <= 0) continue;
      const name = line.slice(0, c).trim().toLowerCase();
      const value = line.slice(c + 1).trim();
      if (name === "host") req.host = value;
      else if (name === "user-agent") req.userAgent = value;
      else if (name === "content-length") bodyLen = Number(value) || 0;
      else if (name === "transfer-encoding" && /chunked/i.test(value)) chunked = true;
    }
    requests.push(req);
    const next = headEnd + 4 + bodyLen;
    if (chunked) return { requests, used: headEnd + 4, stop: true, skip: 0 };
    // The body goes on past what is buffered: the caller skips the rest of it as it arrives.
    if (next > b.length) return { requests, used: b.length, stop: false, skip: next - b.length };
    p = next;
  }
  return { requests, used: p, stop: false, skip: 0 };
}

/** The absolute URL of a request: its target when absolute, else built from Host. */
export function requestUrl(req: HttpRequest, serverIp: string, serverPort: number): string {
  if (/^https?:\/\//i.test(req.target)) return req.target;
  if (req.method === "CONNECT") return `https://${req.target}`;
  const host = req.host ?? (serverIp.includes(":") ? `[${serverIp}]` : serverIp) + (serverPort !== 80 ? `:${serverPort}` : "");
  return `http://${host}${req.target.startsWith("/") ? "" : "/"}${req.target}`;
}
