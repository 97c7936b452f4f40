import { openIosFs } from "../acquisitions/ios-fs.js";
import { action, addCheckOptions, runCheck } from "./check-common.js";
function register(program) {
  addCheckOptions(
    program.command("check-fs").description("check an iPhone full-filesystem dump (folder, .tar, .tar.gz or .zip)").argument("<path>", "dump folder (holding private/var, or one level above it), or an archive of it")
  ).action(
    action(async (path, opts) => {
      const outcome = await runCheck("ios_fs", path, () => openIosFs(path).then((v) => announceRefused(v, opts)), opts);
      return outcome.exitCode;
    })
  );
}
function announceRefused(view, opts) {
  const refused = view.refused?.() ?? [];
  if (refused.length && !opts.quiet && !opts.json) {
    process.stderr.write(`Refused ${refused.length} unsafe archive entr${refused.length === 1 ? "y" : "ies"} (never read or extracted), e.g. ${JSON.stringify(refused[0].entry)}: ${refused[0].reason}. See the coverage warnings.
`);
  }
  return view;
}
export {
  announceRefused,
  register
};
