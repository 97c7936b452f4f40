// Indicator files: STIX2 bundles (with MVT's app:* and configuration-profile:* objects), the
// mvt-indicators index (YAML) and Echap's ioc.yaml. The YAML is parsed as load.ts does (a file
// js-yaml cannot read becomes a "not valid YAML" problem there, so it is a result here too).
import { parseYaml } from "../../src/core/yaml.ts";
import { isEchapDoc, loadEchap } from "../../src/indicators/echap.ts";
import { parseIndex } from "../../src/indicators/mvt-index.ts";
import type { FileMeta } from "../../src/indicators/set.ts";
import { loadStix } from "../../src/indicators/stix.ts";
import { deleteRange, flipBit, insertNoise, setByte, splice, truncate } from "../engine/bytes.ts";
import { TEXT_MUTATORS } from "../engine/text.ts";
import type { Target } from "../engine/types.ts";
import { corpusFiles, corpusWhere } from "./corpus.ts";

const TEXT = [...TEXT_MUTATORS, ...TEXT_MUTATORS, flipBit, setByte, truncate, deleteRange, insertNoise, splice];
const meta = (file: string): FileMeta => ({ source: file, file, sha256: "0".repeat(64), loadedAt: "2024-01-01T00:00:00Z", defaultName: "fuzz" });

const STIX = JSON.stringify({
  type: "bundle",
  id: "bundle--1",
  objects: [
    { type: "malware", id: "malware--1", name: "Pegasus", is_family: false },
    { type: "indicator", id: "indicator--1", pattern: "[domain-name:value = 'evil.example']", pattern_type: "stix", valid_from: "2021-07-18T00:00:00Z" },
    { type: "indicator", id: "indicator--2", pattern: "[url:value = 'https://evil.example/a' OR process:name = 'bh']", pattern_type: "stix" },
    { type: "indicator", id: "indicator--3", pattern: "[app:id = 'com.spy'] AND [file:hashes.sha256 = '" + "a".repeat(64) + "']", pattern_type: "stix" },
    { type: "indicator", id: "indicator--4", pattern: "[configuration-profile:id = 'com.evil.profile' OR email-addr:value = 'spy@evil.example' OR ipv4-addr:value = '203.0.113.9']", pattern_type: "stix" },
    { type: "relationship", id: "relationship--1", relationship_type: "indicates", source_ref: "indicator--1", target_ref: "malware--1" },
    { type: "relationship", id: "relationship--2", relationship_type: "indicates", source_ref: "indicator--2", target_ref: "malware--1" },
  ],
});

const INDEX = `indicators:
  - name: NSO Group Pegasus Indicators of Compromise
    source: Amnesty International
    reference: https://example.org/report
    type: github
    github:
      owner: AmnestyTech
      repo: investigations
      branch: master
      path: 2021-07-18_nso/pegasus.stix2
  - name: Direct file
    type: download
    download_url: https://example.org/x.stix2
`;

const ECHAP = `- name: SpyApp
  type: stalkerware
  packages:
    - com.spy
    - com.spy.helper
  certificates:
    - ${"B".repeat(40)}
  websites:
    - evil.example
  c2:
    ips:
      - 203.0.113.9
    domains:
      - c2.evil.example
- name: Other
  packages: com.other
`;

export const indicatorTargets: Target[] = [
  {
    name: "stix2",
    what: "STIX2 bundles: loadStix and parsePattern in src/indicators/stix.ts",
    seeds: (corpus) => [Buffer.from(STIX), ...corpusFiles(corpus, "mvt-artifacts/stix2"), ...corpusWhere(corpus, "iocs/amnesty", (_d, p) => p.endsWith(".stix2"), 4)],
    mutators: TEXT,
    run: (input) => loadStix(input.toString("utf8"), meta("fuzz.stix2")),
  },
  {
    name: "mvt-indicators",
    what: "the mvt-indicators index (indicators.yaml): parseYaml + parseIndex in src/indicators/mvt-index.ts",
    seeds: (corpus) => [Buffer.from(INDEX), ...corpusFiles(corpus, "iocs/mvt-indicators/indicators.yaml")],
    mutators: TEXT,
    run: (input) => {
      let doc: unknown;
      try {
        doc = parseYaml(input.toString("utf8"));
      } catch {
        return "not valid YAML";
      }
      return parseIndex(doc);
    },
  },
  {
    name: "echap",
    what: "Echap's stalkerware ioc.yaml: parseYaml + loadEchap in src/indicators/echap.ts",
    seeds: (corpus) => [Buffer.from(ECHAP), ...corpusFiles(corpus, "iocs/echap-stalkerware/ioc.yaml")],
    mutators: TEXT,
    run: (input) => {
      let doc: unknown;
      try {
        doc = parseYaml(input.toString("utf8"));
      } catch {
        return "not valid YAML";
      }
      return isEchapDoc(doc) ? loadEchap(doc, meta("ioc.yaml")) : "not an Echap file";
    },
  },
];
