/**
 * A second process for lock tests: takes the gitdir lock at argv[2], prints "locked", and holds
 * it until its stdin closes (or fails, printing the error code).
 */
import { acquireLock } from '../../../src/git/lock.js';
import { GitLockHeld } from '../../../src/git/errors.js';

const target = process.argv[2] ?? '';
try {
  const lock = await acquireLock(target);
  process.stdout.write('locked\n');
  process.stdin.resume();
  process.stdin.on('end', () => {
    void lock.release().then(() => process.exit(0));
  });
} catch (error: unknown) {
  process.stdout.write(`${error instanceof GitLockHeld ? error.code : 'ERROR'}\n`);
  process.exit(1);
}
