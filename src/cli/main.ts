// The `vigil` command: argument parsing and wiring only; each subcommand lives in its own file.
import { setFlagsFromString } from "node:v8";
import { Command } from "commander";
import { VERSION } from "../core/version.ts";
import { listenToApp } from "./app-channel.ts";
import { register as app } from "./app.ts";
import { register as backups } from "./backups.ts";
import { register as caseCommand } from "./case.ts";
import { register as check } from "./check.ts";
import { register as checkAndroidqf } from "./check-androidqf.ts";
import { register as checkBackup } from "./check-backup.ts";
import { register as checkBugreport } from "./check-bugreport.ts";
import { register as checkFs } from "./check-fs.ts";
import { register as checkIntrusionLogs } from "./check-intrusion-logs.ts";
import { register as checkNetwork } from "./check-network.ts";
import { register as checkSysdiagnose } from "./check-sysdiagnose.ts";
import { register as decryptBackup } from "./decrypt-backup.ts";
import { register as demo } from "./demo.ts";
import { register as exportCommand } from "./export.ts";
import { register as extractKey } from "./extract-key.ts";
import { register as hunt } from "./hunt.ts";
import { register as iocs } from "./iocs.ts";
import { register as checkIocs } from "./check-iocs.ts";
import { register as modules } from "./modules.ts";
import { register as report } from "./report.ts";
import { register as update } from "./update.ts";

// A check's old generation is mostly timeline chunks that die at their spill. V8's default head
// room lets the heap reach four times what is live before collecting; a 1.4x growth factor keeps
// a big check's peak memory far lower for a few extra full collections (bench/NOTES.md).
setFlagsFromString("--heap-growing-percent=40");
// V8 sometimes decides, from a few early samples, to allocate a site's objects straight into the
// old generation ("pretenuring"); for the short-lived records of a big table that made every
// young-generation collection keep megabytes alive, on some runs and not others. Without it,
// collection time is low and the same on every run (bench/NOTES.md).
setFlagsFromString("--no-allocation-site-pretenuring");

// A command started by `vigil app` stops when the app cancels it or goes away.
listenToApp();

const program = new Command();
program
  .name("vigil")
  .description("Check iPhone and Android acquisitions for traces of mercenary spyware.\nExit codes: 0 nothing found, 10 detections, 20 check incomplete, 1 error, 2 usage error.")
  .version(VERSION)
  .showHelpAfterError()
  .configureOutput({ outputError: (s, write) => write(s.startsWith("error:") ? `vigil: ${s}` : s) })
  .exitOverride((err) => {
    process.exit(err.exitCode === 0 ? 0 : err.code === "commander.help" || err.code === "commander.version" ? 0 : 2);
  });

for (const register of [demo, check, checkBackup, checkFs, checkSysdiagnose, checkAndroidqf, checkBugreport, checkIntrusionLogs, checkNetwork, decryptBackup, extractKey, report, modules, iocs, update, checkIocs, caseCommand, hunt, backups, app, exportCommand]) register(program);

await program.parseAsync(process.argv);
