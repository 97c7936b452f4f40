import { openSysdiagnose } from "../acquisitions/sysdiagnose.js";
import { action, addCheckOptions, runCheck } from "./check-common.js";
import { announceRefused } from "./check-fs.js";
function register(program) {
  addCheckOptions(
    program.command("check-sysdiagnose").description("check an iPhone sysdiagnose (.tar.gz, or its extracted folder)").argument("<path>", "sysdiagnose_....tar.gz, its folder, or the folder holding it")
  ).action(
    action(async (path, opts) => {
      const outcome = await runCheck("ios_sysdiagnose", path, () => openSysdiagnose(path).then((v) => announceRefused(v, opts)), opts);
      return outcome.exitCode;
    })
  );
}
export {
  register
};
