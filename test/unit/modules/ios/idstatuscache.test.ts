import { test } from "node:test";
import assert from "node:assert/strict";
import bplistCreator from "bplist-creator";
import idstatuscache from "../../../../src/modules/ios/idstatuscache.ts";
import { collectModule } from "../../../../src/pipeline/run-modules.ts";
import { matcherFromValues } from "../../../../src/indicators/matcher.ts";
import { backup, fsDump, mac } from "../../../helpers/messaging-views.ts";
import { assertMvtFields } from "../../../helpers/mvt-fields.ts";

const REL = "Library/Preferences/com.apple.identityservices.idstatuscache.plist";

function plist(): Buffer {
  return bplistCreator({
    "com.apple.madrid": {
      "mailto:bogaardlisa803@gmail.com": { LookupDate: mac("2021-06-15T10:00:00Z"), IDStatus: 1 },
      "tel:+41791234567": { LookupDate: mac("2021-06-16T10:00:00Z"), IDStatus: 1 },
      "mailto:friend@example.org": { LookupDate: mac("2021-06-17T10:00:00Z"), IDStatus: 2 },
      "mailto:x\u0000\u0000y@icloud.com": { LookupDate: mac("2021-06-18T10:00:00Z"), IDStatus: 2 },
      "tel:+1\u0000": { LookupDate: mac("2021-06-19T10:00:00Z"), IDStatus: 2 },
    },
    "com.apple.private.alloy.facetime.multi": {
      "tel:+41791234567": { LookupDate: mac("2021-06-20T10:00:00Z"), IDStatus: 1 },
      "not-an-entry": "junk",
    },
    LastCleanupDate: 12345,
  } as any);
}

test("idstatuscache: entries, occurrences, events, e-mail indicator and NUL rule", async () => {
  const out = await collectModule(idstatuscache, backup([{ domain: "HomeDomain", relativePath: REL, data: plist() }]), matcherFromValues({ email: ["bogaardlisa803@gmail.com"] }));
  assertMvtFields("idstatuscache", out.records);
  assert.equal(out.coverage.status, "checked", out.coverage.reason);
  const r = out.records as any[];
  assert.equal(r.length, 6);
  const tel = r.filter((x) => x.user === "tel:+41791234567");
  assert.deepEqual(tel.map((x) => x.occurrences), [2, 2]);
  assert.equal(r[0].isodate, "2021-06-15T10:00:00.000Z");
  assert.equal(r[0].idstatus, 1);
  assert.ok(r.some((x) => x.user === "mailto:x\\x00\\x00y@icloud.com" && x.nul_bytes === 2));
  assert.equal(out.events.length, 6);
  assert.equal(out.events[0].description, "Lookup of mailto:bogaardlisa803@gmail.com within com.apple.madrid (status 1)");

  const d = out.detections;
  const email = d.filter((x) => x.kind === "indicator");
  assert.equal(email.length, 1, "friend@example.org must not flag");
  assert.equal(email[0].grade, "medium");
  assert.equal(email[0].artifact, `HomeDomain/${REL}`);
  const nul = d.filter((x) => x.rule?.id === "idstatuscache-nul-handle");
  assert.deepEqual(nul.map((x) => [x.matched, x.grade]), [["mailto:x\\x00\\x00y@icloud.com", "medium"], ["tel:+1\\x00", "weak"]]);
  assert.equal(d.length, 3);
});

test("idstatuscache: both filesystem locations, XML plist with dates", async () => {
  const xml = `<?xml version="1.0" encoding="UTF-8"?>
<!DOCTYPE plist PUBLIC "-//Apple//DTD PLIST 1.0//EN" "http://www.apple.com/DTDs/PropertyList-1.0.dtd">
<plist version="1.0"><dict><key>com.apple.madrid</key><dict><key>mailto:a@b.example</key><dict><key>IDStatus</key><integer>1</integer><key>LookupDate</key><date>2023-01-02T03:04:05Z</date></dict></dict></dict></plist>`;
  const view = fsDump([
    { path: "private/var/mobile/Library/Preferences/com.apple.identityservices.idstatuscache.plist", data: plist() },
    { path: "private/var/mobile/Library/IdentityServices/idstatuscache.plist", data: xml },
  ]);
  const out = await collectModule(idstatuscache, view, matcherFromValues({ email: ["a@b.example"] }));
  assert.equal(out.coverage.status, "checked", out.coverage.reason);
  assert.equal(out.records.length, 7);
  const last = out.records[6] as any;
  assert.equal(last.isodate, "2023-01-02T03:04:05.000Z");
  assert.equal(last.source, "private/var/mobile/Library/IdentityServices/idstatuscache.plist");
  const hit = out.detections.find((x) => x.kind === "indicator")!;
  assert.equal(hit.artifact, "private/var/mobile/Library/IdentityServices/idstatuscache.plist");
});

test("idstatuscache: malformed and unexpected plists fail with one line", async () => {
  const bad = await collectModule(idstatuscache, backup([{ domain: "HomeDomain", relativePath: REL, data: "garbage" }]), matcherFromValues({}));
  assert.equal(bad.coverage.status, "failed");
  assert.match(bad.coverage.reason!, new RegExp(`^HomeDomain/${REL.replace(/\./g, "\\.")}: malformed plist`));
  const arr = await collectModule(idstatuscache, backup([{ domain: "HomeDomain", relativePath: REL, data: bplistCreator([1, 2] as any) }]), matcherFromValues({}));
  assert.equal(arr.coverage.status, "failed");
  assert.match(arr.coverage.reason!, /not a dictionary of services$/);
});
