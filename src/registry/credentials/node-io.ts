/**
 * Production I/O for the credential sources: reading files, checking executables and running
 * helpers. Kept apart so tests drive the same logic with the real implementations or doubles.
 */
import { spawn } from 'node:child_process';
import { constants } from 'node:fs';
import { access, readFile } from 'node:fs/promises';
import type { HelperOutcome, RunProgram } from './helper.js';

/** Helpers print a small JSON object; anything larger is a fault, not something to buffer. */
const MAX_OUTPUT_BYTES = 1024 * 1024;

export async function readTextFile(file: string): Promise<string> {
  return readFile(file, 'utf8');
}

export async function isExecutable(file: string): Promise<boolean> {
  try {
    await access(file, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

/** Spawns `file` with an argument array (no shell), writes `stdin`, kills it after `timeoutMs`. */
export const runProgram: RunProgram = (file, args, stdin, timeoutMs) =>
  new Promise<HelperOutcome>((resolve, reject) => {
    // Own process group, so a timeout kills the helper's children too: a shell script's `sleep`
    // would otherwise keep the pipes open and the 'close' event away.
    const child = spawn(file, [...args], {
      stdio: ['pipe', 'pipe', 'pipe'],
      shell: false,
      detached: true,
    });
    const killGroup = () => {
      try {
        if (child.pid !== undefined) process.kill(-child.pid, 'SIGKILL');
      } catch {
        child.kill('SIGKILL'); // the group is already gone
      }
    };
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    let size = 0;
    let timedOut = false;
    const collect = (into: Buffer[]) => (chunk: Buffer) => {
      size += chunk.length;
      if (size > MAX_OUTPUT_BYTES) killGroup();
      else into.push(chunk);
    };
    child.stdout.on('data', collect(out));
    child.stderr.on('data', collect(err));
    const timer = setTimeout(() => {
      timedOut = true;
      killGroup();
    }, timeoutMs);
    child.on('error', (error) => {
      clearTimeout(timer);
      reject(error);
    });
    child.on('close', (exitCode) => {
      clearTimeout(timer);
      resolve({
        exitCode,
        stdout: Buffer.concat(out).toString('utf8'),
        stderr: Buffer.concat(err).toString('utf8'),
        timedOut,
      });
    });
    // A helper that exits before reading stdin makes the write fail with EPIPE; its exit code
    // and output tell the story, so the write error itself is not interesting.
    child.stdin.on('error', () => undefined);
    child.stdin.end(stdin);
  });
