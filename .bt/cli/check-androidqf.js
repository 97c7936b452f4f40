import { openAndroidqf } from "../acquisitions/android/androidqf.js";
import { action, addCheckOptions, makeProgress, runCheck } from "./check-common.js";
import { AGE_PASSPHRASE_ENV, BACKUP_PASSWORD_ENV, secretChain } from "./android-secrets.js";
function register(program) {
  addCheckOptions(
    program.command("check-androidqf").description("check an androidqf acquisition (folder, .zip, or age-encrypted .zip.age), with the backup and bugreport inside it").argument("<path>", "androidqf acquisition folder, .zip or .zip.age").option("--passphrase <passphrase>", `age passphrase of a .zip.age (else $${AGE_PASSPHRASE_ENV}, else asked for on a terminal)`).option("--identity <file>", "age identity file (AGE-SECRET-KEY-1...) for a .zip.age").option("--backup-password <password>", `password of an encrypted backup.ab in the bundle (else $${BACKUP_PASSWORD_ENV}, else asked for)`)
  ).action(
    action(async (path, opts) => {
      const progress = makeProgress(opts.quiet || opts.json);
      const outcome = await runCheck(
        "androidqf",
        path,
        async () => {
          const view = await openAndroidqf(path, {
            passphrase: opts.passphrase,
            identityFile: opts.identity,
            getPassphrase: secretChain(void 0, AGE_PASSPHRASE_ENV, "age passphrase: "),
            backupPassword: opts.backupPassword,
            getBackupPassword: secretChain(void 0, BACKUP_PASSWORD_ENV, "backup.ab password: ")
          });
          const nested = await view.nested();
          for (const v of [view, ...nested.map((n) => n.view)]) {
            for (const r of v.refused?.() ?? []) progress(`${v.root}: refused unsafe entry ${JSON.stringify(r.entry)}: ${r.reason}`);
          }
          return [{ view, prefix: "" }, ...nested];
        },
        opts
      );
      return outcome.exitCode;
    })
  );
}
export {
  register
};
