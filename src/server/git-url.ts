/**
 * One key for the many spellings of a Git repository's URL, so a push webhook's `clone_url`,
 * `ssh_url` or `git@host:org/repo.git` matches the URL in tagpilot's configuration. Port, user
 * info, scheme, a trailing `.git` and `/` are dropped and the key is lower-cased: forges treat
 * paths case-insensitively, and a false match costs one ref advertisement (issue 10), never a
 * write.
 */
const SCP_LIKE = /^(?:[^@/\s]+@)?([^:/\s]+):(?!\/)(.+)$/;

/** `github.com/acme/app` for `https://github.com/Acme/app.git`; undefined when not a URL. */
export function gitRepositoryKey(url: string): string | undefined {
  const text = url.trim();
  let host: string;
  let path: string;
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(text)) {
    let parsed: URL;
    try {
      parsed = new URL(text);
    } catch {
      return undefined;
    }
    host = parsed.hostname;
    path = decodeURIComponent(parsed.pathname);
  } else {
    const match = SCP_LIKE.exec(text);
    if (match === null) return undefined;
    host = match[1] ?? '';
    path = match[2] ?? '';
  }
  const cleaned = path
    .replace(/^\/+|\/+$/g, '')
    .replace(/\.git$/i, '')
    .replace(/\/+$/g, '');
  if (host === '' || cleaned === '') return undefined;
  return `${host}/${cleaned}`.toLowerCase();
}
