// The folder browser's places and bounds: the home folder and mounted volumes only, by real
// path, with the Windows rules (drive letters, backslashes, letters in any case) tested through
// path.win32 on any system.
import assert from "node:assert/strict";
import { mkdirSync, symlinkSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { test } from "node:test";
import { buildIosBackup } from "../../../src/acquisitions/ios-backup/build.ts";
import { browsePlaces, isInside, listFolder } from "../../../src/app/browse.ts";
import { testDir } from "../../helpers/archive-builder.ts";

test("places: Windows drives, macOS /Volumes, Linux /media/USER, /run/media/USER and /mnt", () => {
  const fake = (platform: NodeJS.Platform, home: string, tree: Record<string, string[]>, user?: string) =>
    browsePlaces({ platform, home, user, exists: (d) => d in tree, list: (d) => tree[d] ?? [] });
  assert.deepEqual(fake("win32", "C:\\Users\\Zoë", { "C:\\": [], "E:\\": [] }), [
    { path: "C:\\Users\\Zoë", kind: "home" },
    { path: "C:\\", kind: "volume" },
    { path: "E:\\", kind: "volume" },
  ]);
  assert.deepEqual(
    fake("darwin", "/Users/zoe", { "/Volumes": ["Macintosh HD", "Clé USB", ".hidden"] }).map((p) => p.path),
    ["/Users/zoe", "/Volumes/Macintosh HD", "/Volumes/Clé USB"],
  );
  assert.deepEqual(
    fake("linux", "/home/zoe", { "/media": ["zoe", "shared"], "/media/zoe": ["SD"], "/run/media/zoe": ["USB"], "/mnt": ["disk"] }, "zoe").map((p) => p.path),
    ["/home/zoe", "/media/zoe/SD", "/run/media/zoe/USB", "/media/shared", "/mnt/disk"],
  );
});

test("inside a place: by whole path components; on Windows whatever the case of the letters", () => {
  assert.equal(isInside("win32", "c:\\users\\ZOË\\Apple\\MobileSync", "C:\\Users\\Zoë"), true);
  assert.equal(isInside("win32", "C:\\Users\\Zoë", "C:\\Users\\Zoë\\"), true);
  assert.equal(isInside("win32", "C:\\Users\\Zoëlle", "C:\\Users\\Zoë"), false);
  assert.equal(isInside("win32", "C:\\Users\\Zoë\\..\\Ana", "C:\\Users\\Zoë"), false);
  assert.equal(isInside("win32", "D:\\Users\\Zoë", "C:\\Users\\Zoë"), false);
  assert.equal(isInside("win32", "E:\\Sauvegarde", "E:\\"), true);
  assert.equal(isInside("linux", "/home/zoe/Sauvegardes", "/home/zoe"), true);
  assert.equal(isInside("linux", "/home/Zoe", "/home/zoe"), false);
  assert.equal(isInside("linux", "/home/zoe2", "/home/zoe"), false);
  assert.equal(isInside("linux", "/home/zoe/../ana", "/home/zoe"), false);
});

test("listing: folders first, backups marked, nothing outside the places, not even through a link", async () => {
  const home = testDir("vigil-browse");
  mkdirSync(join(home, "Clé USB"));
  mkdirSync(join(home, ".cache"));
  writeFileSync(join(home, "notes.txt"), "hello");
  await buildIosBackup(join(home, "Clé USB", "00008110-AAAA"), { files: [] });
  symlinkSync("/etc", join(home, "etc-link"));
  const places = [{ path: home, kind: "home" as const }];

  const top = (await listFolder(home, places))!;
  assert.equal(top.parent, undefined, "the folder above the home folder is not shown");
  assert.deepEqual(
    top.entries.map((e) => [e.name, e.folder]),
    [["Clé USB", true], ["etc-link", true], ["notes.txt", false]],
  );
  assert.equal(top.entries.find((e) => e.name === "notes.txt")!.size, 5);
  const usb = (await listFolder(join(home, "Clé USB"), places))!;
  assert.equal(usb.parent, home);
  assert.deepEqual(usb.entries.map((e) => [e.name, e.backup]), [["00008110-AAAA", true]]);

  assert.equal(await listFolder(join(home, "etc-link"), places), undefined);
  assert.equal(await listFolder("/etc", places), undefined);
  assert.equal(await listFolder(join(home, ".."), places), undefined);
  assert.equal(await listFolder(join(home, "notes.txt"), places), undefined);
  assert.equal(await listFolder(join(home, "missing"), places), undefined);
});
