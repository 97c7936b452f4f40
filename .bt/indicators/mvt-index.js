const DEFAULT_INDEX_URL = "https://raw.githubusercontent.com/mvt-project/mvt-indicators/main/indicators.yaml";
const KNOWN_LICENSES = {
  "amnestytech/investigations": "CC-BY-2.0",
  "mvt-project/mvt-indicators": "MIT",
  "assoechap/stalkerware-indicators": "CC-BY-4.0"
};
const REPO_DIRS = {
  "amnestytech/investigations": "amnesty",
  "mvt-project/mvt-indicators": "mvt-indicators",
  "assoechap/stalkerware-indicators": "echap-stalkerware"
};
function repoDir(repo) {
  return REPO_DIRS[repo.toLowerCase()] ?? repo.replace(/[^A-Za-z0-9._-]+/g, "_");
}
function repoLicense(repo) {
  return KNOWN_LICENSES[repo.toLowerCase()];
}
const SAFE_SEGMENT = /^[A-Za-z0-9._ ()+-]+$/;
function safeRelative(path) {
  const parts = path.split("/").filter((p) => p !== "");
  if (parts.length === 0 || parts.some((p) => p === "." || p === ".." || !SAFE_SEGMENT.test(p))) return null;
  return parts.join("/");
}
function strings(v) {
  return Array.isArray(v) ? v.filter((x) => typeof x === "string") : typeof v === "string" ? [v] : [];
}
function parseIndex(doc) {
  const entries = [];
  const problems = [];
  const list = doc?.indicators;
  if (!Array.isArray(list)) {
    problems.push({ id: "indicators", reason: "not an mvt-indicators index (no `indicators` list)" });
    return { entries, problems };
  }
  list.forEach((raw, i) => {
    const id = `entry ${i + 1}`;
    if (!raw || typeof raw !== "object") {
      problems.push({ id, reason: "empty entry" });
      return;
    }
    const e = raw;
    const name = typeof e.name === "string" && e.name.trim() ? e.name.trim() : id;
    const base = { name, sources: strings(e.sources ?? e.source), references: strings(e.references) };
    const type = typeof e.type === "string" ? e.type : "github";
    if (type === "github") {
      const g = e.github;
      const owner = typeof g?.owner === "string" ? g.owner : "";
      const repo = typeof g?.repo === "string" ? g.repo : "";
      const branch = typeof g?.branch === "string" ? g.branch : "main";
      const path = typeof g?.path === "string" ? safeRelative(g.path) : null;
      if (!owner || !repo || !path || !SAFE_SEGMENT.test(owner) || !SAFE_SEGMENT.test(repo) || !SAFE_SEGMENT.test(branch)) {
        problems.push({ id: `${id} (${name})`, reason: "github entry without a valid owner, repo and path" });
        return;
      }
      const full = `${owner}/${repo}`;
      entries.push({
        ...base,
        url: `https://raw.githubusercontent.com/${owner}/${repo}/${branch}/${path}`,
        localPath: `${repoDir(full)}/${path}`,
        repo: full,
        license: repoLicense(full)
      });
    } else if (typeof e.download_url === "string") {
      const url = typeof e.download_url === "string" ? e.download_url : "";
      let file = null;
      try {
        const u = new URL(url);
        if (u.protocol === "https:" || u.protocol === "http:") file = safeRelative(u.pathname.split("/").pop() ?? "");
      } catch {
        file = null;
      }
      if (!file) {
        problems.push({ id: `${id} (${name})`, reason: "download entry without a valid download_url" });
        return;
      }
      entries.push({ ...base, url, localPath: `downloads/${file}` });
    } else {
      problems.push({ id: `${id} (${name})`, reason: `entry type ${JSON.stringify(type)} is not read` });
    }
  });
  return { entries, problems };
}
export {
  DEFAULT_INDEX_URL,
  parseIndex,
  repoDir,
  repoLicense
};
