// A private PostgreSQL server for tests: initdb into a fresh folder, started on a free port of
// 127.0.0.1 (and a private socket folder) with a random password, stopped and removed at the
// end. Debian's binaries (/usr/lib/postgresql/<version>/bin) or any initdb on PATH are used;
// when there are none, pgUnavailable() says why so tests report themselves skipped.
// initdb refuses to run as root: as root, the server runs as the "postgres" user (made by
// Debian's package) or "nobody", on a folder given to that user.
import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { randomBytes } from "node:crypto";
import { chownSync, existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { createServer } from "node:net";
import { join } from "node:path";

function findBin(): string | undefined {
  const root = "/usr/lib/postgresql";
  if (existsSync(root)) {
    const versions = readdirSync(root).filter((v) => existsSync(join(root, v, "bin", "initdb"))).sort((a, b) => Number(b) - Number(a));
    if (versions.length) return join(root, versions[0], "bin");
  }
  const which = spawnSync("sh", ["-c", "command -v initdb"], { encoding: "utf8" });
  const p = which.stdout.trim();
  return which.status === 0 && p ? join(p, "..") : undefined;
}

const BIN = findBin();

function serverUser(): { name: string; uid: number; gid: number } | undefined {
  if (process.getuid?.() !== 0) return undefined;
  for (const name of ["postgres", "nobody"]) {
    const u = spawnSync("id", ["-u", name], { encoding: "utf8" });
    const g = spawnSync("id", ["-g", name], { encoding: "utf8" });
    if (u.status === 0 && g.status === 0) return { name, uid: Number(u.stdout.trim()), gid: Number(g.stdout.trim()) };
  }
  return undefined;
}

/** Why no server can be started here; undefined when one can. */
export function pgUnavailable(): string | undefined {
  if (!BIN) return "no PostgreSQL binaries (initdb) found: install Debian's postgresql package";
  if (process.getuid?.() === 0 && !serverUser()) return "running as root and no postgres or nobody user to run the server as";
  return undefined;
}

async function freePort(): Promise<number> {
  return new Promise((res, rej) => {
    const s = createServer();
    s.once("error", rej);
    s.listen(0, "127.0.0.1", () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => res(port));
    });
  });
}

export interface TestPostgres {
  /** postgres://vigil:<password>@127.0.0.1:<port>/vigil */
  url: string;
  password: string;
  /** A fresh empty database on the same server. */
  newDatabase(name: string): Promise<string>;
  stop(): Promise<void>;
}

function run(user: ReturnType<typeof serverUser>, cmd: string, args: string[]): { status: number | null; out: string } {
  const r = user ? spawnSync("runuser", ["-u", user.name, "--", cmd, ...args], { encoding: "utf8" }) : spawnSync(cmd, args, { encoding: "utf8" });
  return { status: r.status, out: `${r.stdout}${r.stderr}` };
}

export async function startPostgres(): Promise<TestPostgres> {
  const why = pgUnavailable();
  if (why) throw new Error(why);
  const user = serverUser();
  // Not under the test run's TMPDIR when root: the server's user could not reach a folder inside it.
  const base = mkdtempSync(join(user ? "/tmp" : (process.env.TMPDIR ?? "/tmp"), "vigil-pg-"));
  const data = join(base, "data");
  const sock = join(base, "sock");
  mkdirSync(sock);
  const password = randomBytes(12).toString("hex");
  const pwfile = join(base, "pw");
  writeFileSync(pwfile, password + "\n", { mode: 0o600 });
  if (user) for (const p of [base, sock, pwfile]) chownSync(p, user.uid, user.gid);
  const init = run(user, join(BIN!, "initdb"), ["-D", data, "-U", "vigil", "--pwfile", pwfile, "--auth=scram-sha-256", "-E", "UTF8", "--locale=C.UTF-8", "--no-sync"]);
  if (init.status !== 0) {
    rmSync(base, { recursive: true, force: true });
    throw new Error(`initdb failed: ${init.out.slice(-2000)}`);
  }
  const port = await freePort();
  const args = ["-D", data, "-p", String(port), "-k", sock, "-c", "listen_addresses=127.0.0.1", "-c", "fsync=off", "-c", "full_page_writes=off", "-c", "synchronous_commit=off"];
  const child: ChildProcess = user ? spawn("runuser", ["-u", user.name, "--", join(BIN!, "postgres"), ...args], { stdio: ["ignore", "ignore", "pipe"] }) : spawn(join(BIN!, "postgres"), args, { stdio: ["ignore", "ignore", "pipe"] });
  let log = "";
  child.stderr!.on("data", (d: Buffer) => (log = (log + d.toString()).slice(-4000)));
  const exited = new Promise<void>((res) => child.once("exit", () => res()));
  const stop = async () => {
    if (child.exitCode === null && child.signalCode === null) {
      // SIGINT: PostgreSQL's fast shutdown. runuser passes the signal on.
      child.kill("SIGINT");
      const timer = setTimeout(() => child.kill("SIGKILL"), 10_000);
      await exited;
      clearTimeout(timer);
    }
    rmSync(base, { recursive: true, force: true });
  };
  const url = (db: string) => `postgres://vigil:${password}@127.0.0.1:${port}/${db}`;
  // Ready when pg_isready says so (a few hundred milliseconds).
  for (let i = 0; ; i++) {
    if (child.exitCode !== null) {
      await stop();
      throw new Error(`postgres exited: ${log}`);
    }
    if (spawnSync(join(BIN!, "pg_isready"), ["-h", "127.0.0.1", "-p", String(port)]).status === 0) break;
    if (i > 300) {
      await stop();
      throw new Error(`postgres did not start: ${log}`);
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  const createdb = (name: string) => {
    const r = spawnSync(join(BIN!, "createdb"), ["-h", "127.0.0.1", "-p", String(port), "-U", "vigil", name], { encoding: "utf8", env: { ...process.env, PGPASSWORD: password } });
    if (r.status !== 0) throw new Error(`createdb ${name}: ${r.stderr}`);
  };
  createdb("vigil");
  return {
    url: url("vigil"),
    password,
    newDatabase: async (name) => {
      createdb(name);
      return url(name);
    },
    stop,
  };
}
