import { openIntrusionLogs } from "../acquisitions/android/intrusion-logs.js";
import { action, addCheckOptions, runCheck } from "./check-common.js";
function register(program) {
  addCheckOptions(
    program.command("check-intrusion-logs").description("check Android intrusion-logging exports (DNS, connection and security events, one JSON object per line)").argument("<paths...>", "a folder or zip of exports, or one or more export files")
  ).action(
    action(async (paths, opts) => {
      const outcome = await runCheck("android_intrusion_logs", paths[0], () => openIntrusionLogs(paths), opts);
      return outcome.exitCode;
    })
  );
}
export {
  register
};
