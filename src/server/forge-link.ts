/**
 * A link to a commit on the forge that hosts a Git repository, for the status API's
 * `commits[].url` (issue 17: "linked to the forge when the URL allows"). Only forges whose commit
 * page is known from the URL alone get a link; any other host gets none rather than a guess.
 * User info, ports of SSH URLs and a trailing `.git` are dropped; the path keeps its case.
 */
const SCP_LIKE = /^(?:[^@/\s]+@)?([^:/\s]+):(?!\/)(.+)$/;
const SHA = /^[0-9a-f]{7,64}$/i;

function hostAndPath(url: string): { host: string; path: string } | undefined {
  const text = url.trim();
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(text)) {
    try {
      const parsed = new URL(text);
      return { host: parsed.hostname.toLowerCase(), path: decodeURIComponent(parsed.pathname) };
    } catch {
      return undefined;
    }
  }
  const match = SCP_LIKE.exec(text);
  return match === null
    ? undefined
    : { host: (match[1] ?? '').toLowerCase(), path: match[2] ?? '' };
}

/** The forge's commit page for `sha`, or null when the URL names no forge tagpilot knows. */
export function forgeCommitUrl(gitUrl: string, sha: string): string | null {
  if (!SHA.test(sha)) return null;
  const parts = hostAndPath(gitUrl);
  if (parts === undefined) return null;
  const path = parts.path
    .replace(/^\/+|\/+$/g, '')
    .replace(/\.git$/i, '')
    .replace(/^scm\//, '');
  if (path === '' || !/^[\w.-]+(\/[\w.-]+)+$/.test(path)) return null;
  const { host } = parts;
  const base = `https://${host}/${path}`;
  if (host === 'github.com') return `${base}/commit/${sha}`;
  if (host === 'gitlab.com' || host.startsWith('gitlab.')) return `${base}/-/commit/${sha}`;
  if (host === 'bitbucket.org') return `${base}/commits/${sha}`;
  if (host === 'codeberg.org' || host.startsWith('gitea.') || host.startsWith('forgejo.'))
    return `${base}/commit/${sha}`;
  return null;
}
