// `vigil app`: Vigil in the browser, for people who do not use a terminal (the app is in src/app/).
// Starts the local server, opens the default browser on it (or prints the address), and runs
// until the page says stop, the terminal is interrupted, or no page has been open for a while.
import type { Command } from "commander";
import { homedir } from "node:os";
import { join, resolve } from "node:path";
import { startApp } from "../app/server.ts";
import { describeError, VigilError } from "../core/errors.ts";
import { checkInFolders } from "./backups.ts";
import { action, collect } from "./check-common.ts";

/** Opens `url` in the default browser; false when no browser could be started. */
async function openBrowser(url: string): Promise<boolean> {
  try {
    const { default: open } = await import("open");
    const child = await open(url);
    return await new Promise<boolean>((ok) => {
      // The launcher (xdg-open, open, PowerShell) ends at once; a failure shows in its exit code.
      child.once("exit", (code) => ok(code === 0 || code === null));
      child.once("error", () => ok(false));
      setTimeout(() => ok(true), 3000).unref();
    });
  } catch {
    return false;
  }
}

export function register(program: Command): void {
  program
    .command("app")
    .description("open Vigil in the browser: the iPhone backups on this computer, checks with live progress, the verdict and the report, cases and indicators (on 127.0.0.1 only)")
    .option("--in <dir>", "also look for iPhone backups in this folder (repeatable)", collect)
    .option("--results <dir>", "where checks and cases are saved (default: the folder Vigil in your home folder)")
    .option("--port <n>", "port on 127.0.0.1 (default: a free one)")
    .option("--no-open", "do not open a browser, only print the address")
    .option("--stop-after <minutes>", "stop after this many minutes with no Vigil page open and nothing running", "5")
    .action(
      action(async (opts: { in?: string[]; results?: string; port?: string; open: boolean; stopAfter: string }) => {
        checkInFolders(opts.in);
        if (opts.port !== undefined && !/^\d+$/.test(opts.port)) throw new VigilError(`--port ${opts.port}: expected a port number`, { code: "usage" });
        const minutes = Number(opts.stopAfter);
        if (!(minutes > 0)) throw new VigilError(`--stop-after ${opts.stopAfter}: expected a number of minutes`, { code: "usage" });
        const home = homedir();
        let app;
        try {
          app = await startApp({
            home,
            results: resolve(opts.results ?? join(home, "Vigil")),
            backupDirs: (opts.in ?? []).map((d) => resolve(d)),
            port: opts.port === undefined ? 0 : Number(opts.port),
            stopAfterMs: minutes * 60_000,
          });
        } catch (e) {
          throw new VigilError(`cannot start the app's server: ${describeError(e)}`, { code: "usage" });
        }
        const stopOnSignal = () => void app.stop("interrupted");
        process.once("SIGINT", stopOnSignal);
        process.once("SIGTERM", stopOnSignal);
        process.stdout.write(`Vigil is running on this computer only, at ${app.origin}\n`);
        const opened = opts.open && (await openBrowser(app.url));
        process.stdout.write(
          opened
            ? `Your browser should show Vigil now. If it does not, open this address (it works once): ${app.url}\n`
            : `Open this address in your browser (it works once): ${app.url}\n`,
        );
        process.stdout.write(`Vigil stops when you click "Quit Vigil", press Ctrl+C here, or ${minutes} minute(s) after its last page is closed.\n`);
        const why = await app.stopped;
        process.off("SIGINT", stopOnSignal);
        process.off("SIGTERM", stopOnSignal);
        process.stdout.write(`Vigil stopped (${why}).\n`);
        return 0;
      }),
    );
}
