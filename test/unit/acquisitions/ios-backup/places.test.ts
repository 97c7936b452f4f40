// Where each system keeps iPhone backups; Windows places are built with Windows path rules
// (drive letters, backslashes, non-ASCII user names) whatever system the test runs on.
import assert from "node:assert/strict";
import { test } from "node:test";
import { backupPlaces } from "../../../../src/acquisitions/ios-backup/places.ts";

test("Windows: iTunes or Apple Devices from apple.com (%APPDATA%) and from the Microsoft Store (%USERPROFILE%)", () => {
  const home = "C:\\Users\\Zoë Durand";
  const dirs = backupPlaces({ platform: "win32", home, env: { APPDATA: "C:\\Users\\Zoë Durand\\AppData\\Roaming", USERPROFILE: home } }).map((p) => p.dir);
  assert.deepEqual(dirs, ["C:\\Users\\Zoë Durand\\AppData\\Roaming\\Apple Computer\\MobileSync\\Backup", "C:\\Users\\Zoë Durand\\Apple\\MobileSync\\Backup"]);
});

test("Windows: a profile on another drive, variables unset or written with forward slashes", () => {
  assert.deepEqual(
    backupPlaces({ platform: "win32", home: "D:\\Profils\\李", env: {} }).map((p) => p.dir),
    ["D:\\Profils\\李\\AppData\\Roaming\\Apple Computer\\MobileSync\\Backup", "D:\\Profils\\李\\Apple\\MobileSync\\Backup"],
  );
  assert.deepEqual(
    backupPlaces({ platform: "win32", home: "C:\\x", env: { APPDATA: "E:/Roaming", USERPROFILE: "E:/Users/ana" } }).map((p) => p.dir),
    ["E:\\Roaming\\Apple Computer\\MobileSync\\Backup", "E:\\Users\\ana\\Apple\\MobileSync\\Backup"],
  );
});

test("macOS: MobileSync in Application Support", () => {
  assert.deepEqual(backupPlaces({ platform: "darwin", home: "/Users/zoé", env: {} }).map((p) => p.dir), ["/Users/zoé/Library/Application Support/MobileSync/Backup"]);
});

test("Linux: the folders idevicebackup2 is usually given, under $XDG_DATA_HOME and the home folder", () => {
  assert.deepEqual(backupPlaces({ platform: "linux", home: "/home/ana", env: {} }).map((p) => p.dir), ["/home/ana/.local/share/MobileSync/Backup", "/home/ana/MobileSync/Backup"]);
  assert.deepEqual(backupPlaces({ platform: "linux", home: "/home/ana", env: { XDG_DATA_HOME: "/data/ana" } }).map((p) => p.dir), ["/data/ana/MobileSync/Backup", "/home/ana/MobileSync/Backup"]);
});
