/**
 * Writes a fake `docker-credential-<name>` into a directory, speaking the credential helper
 * protocol of docker/docker-credential-helpers (README "Usage"): `get` as the only argument,
 * the server URL on stdin, `{"ServerURL","Username","Secret"}` on stdout, or
 * "credentials not found in native keychain" with exit 1. It appends every URL it was asked
 * about to `<dir>/<name>.log`, so tests can check what it received.
 */
import { chmod, writeFile } from 'node:fs/promises';
import path from 'node:path';

export interface FakeHelperAnswer {
  readonly username: string;
  readonly secret: string;
}

export async function writeFakeHelper(
  dir: string,
  name: string,
  answers: Readonly<Record<string, FakeHelperAnswer>>,
  behaviour: { sleepSeconds?: number; failWith?: string } = {},
): Promise<string> {
  const file = path.join(dir, `docker-credential-${name}`);
  const cases = Object.entries(answers)
    .map(
      ([url, answer]) =>
        `  '${url}') printf '%s' '${JSON.stringify({ ServerURL: url, Username: answer.username, Secret: answer.secret })}' ;;`,
    )
    .join('\n');
  const script = `#!/bin/sh
[ "$1" = "get" ] || { echo "unsupported action: $1" >&2; exit 3; }
read -r url
printf '%s\\n' "$url" >> '${path.join(dir, `${name}.log`)}'
${behaviour.sleepSeconds === undefined ? '' : `sleep ${behaviour.sleepSeconds}`}
${behaviour.failWith === undefined ? '' : `echo '${behaviour.failWith}' >&2; exit 2`}
case "$url" in
${cases}
  *) echo 'credentials not found in native keychain'; exit 1 ;;
esac
`;
  await writeFile(file, script);
  await chmod(file, 0o755);
  return file;
}
