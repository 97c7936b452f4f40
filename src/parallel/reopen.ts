// Opens, in a worker thread, an acquisition the main thread already opened (view.reopenSpec()).
import type { AcquisitionView, ReopenSpec } from "../acquisitions/view.ts";
import { openIosBackup } from "../acquisitions/ios-backup/open.ts";

export async function reopenView(spec: ReopenSpec): Promise<AcquisitionView> {
  switch (spec.opener) {
    case "ios_backup":
      // The derived key, not the password: PBKDF2 ran once, in the main thread; and the main
      // thread's plaintext Manifest.db, not a new copy.
      return openIosBackup(spec.path, { derivedKey: spec.derivedKey, manifestCopy: spec.manifestCopy });
  }
}
