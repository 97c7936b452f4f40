import { openBugreport } from "../acquisitions/android/bugreport.js";
import { action, addCheckOptions, runCheck } from "./check-common.js";
function register(program) {
  addCheckOptions(
    program.command("check-bugreport").description("check an Android bugreport (.zip from `adb bugreport`, or its extracted folder)").argument("<path>", "bugreport .zip or folder")
  ).action(
    action(async (path, opts) => {
      const outcome = await runCheck("android_bugreport", path, () => openBugreport(path), opts);
      return outcome.exitCode;
    })
  );
}
export {
  register
};
