// Where iPhone backups are kept on each system: the folders Finder, iTunes and the Apple Devices
// app write to, and on Linux the folders libimobiledevice's `idevicebackup2 backup DIR` is
// usually given (it has no default: README, "Making an encrypted iPhone backup"). Paths are built
// with the path rules of the system asked about, so Windows places can be tested anywhere.
import { homedir } from "node:os";
import { posix, win32 } from "node:path";

export interface PlaceContext {
  platform: NodeJS.Platform;
  /** The user's home folder (os.homedir() on that system). */
  home: string;
  /** The environment variables the places depend on (APPDATA, USERPROFILE, XDG_DATA_HOME). */
  env: Record<string, string | undefined>;
}

export interface BackupPlace {
  dir: string;
  /** Which program keeps backups there, for the user. */
  by: string;
}

/** The folders where this system's backup programs put one subfolder per device backup. */
export function backupPlaces(ctx: PlaceContext): BackupPlace[] {
  const set = (name: string) => (ctx.env[name]?.trim() ? ctx.env[name]!.trim() : undefined);
  if (ctx.platform === "win32") {
    const p = win32;
    const appData = set("APPDATA") ?? p.join(ctx.home, "AppData", "Roaming");
    const profile = set("USERPROFILE") ?? ctx.home;
    return [
      { dir: p.join(appData, "Apple Computer", "MobileSync", "Backup"), by: "iTunes or Apple Devices (from apple.com)" },
      { dir: p.join(profile, "Apple", "MobileSync", "Backup"), by: "iTunes or Apple Devices (from the Microsoft Store)" },
    ];
  }
  const p = posix;
  if (ctx.platform === "darwin") return [{ dir: p.join(ctx.home, "Library", "Application Support", "MobileSync", "Backup"), by: "Finder or iTunes" }];
  const dataHome = set("XDG_DATA_HOME") ?? p.join(ctx.home, ".local", "share");
  return [
    { dir: p.join(dataHome, "MobileSync", "Backup"), by: "idevicebackup2 (libimobiledevice)" },
    { dir: p.join(ctx.home, "MobileSync", "Backup"), by: "idevicebackup2 (libimobiledevice)" },
  ];
}

/** This computer's system, home folder and environment. */
export function thisComputer(): PlaceContext {
  return { platform: process.platform, home: homedir(), env: process.env };
}
