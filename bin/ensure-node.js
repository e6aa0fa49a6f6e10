// tagpilot needs Node.js >= 22.19 (docs/decisions/0070-node-24.md). A clone carries Node 24 as
// the exact dev dependency `node` (the npm registry's package of the official binaries), so a
// shell whose `node` is older — the machine's Node 20 through the shebang — re-executes this
// script under the project's Node 24, forwarding argv, stdio, signals and the exit code. An
// installed package without that binary exits 2 saying which Node it needs.
//
// Written for old Node versions too: no syntax or API newer than Node 18 may appear here.
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';

export const MINIMUM = [22, 19];

/** True when `version` ("22.19.0" or "v24.1.0") is at least MINIMUM. */
export function supported(version) {
  const [major, minor] = version.replace(/^v/, '').split('.').map(Number);
  return major > MINIMUM[0] || (major === MINIMUM[0] && minor >= MINIMUM[1]);
}

// Signals a terminal sends to its whole foreground process group: the child already gets them
// there, and forwarding would deliver them twice (a second SIGINT means "stop now" to `run`).
const TERMINAL_SIGNALS = new Set(['SIGINT', 'SIGQUIT']);
const FORWARDED = ['SIGINT', 'SIGQUIT', 'SIGTERM', 'SIGHUP', 'SIGUSR1', 'SIGUSR2'];

function onTerminal() {
  return Boolean(process.stdin.isTTY || process.stdout.isTTY || process.stderr.isTTY);
}

/**
 * Returns when this Node is recent enough. Otherwise runs `script` under the project's Node 24
 * and never returns (the process exits with the child's code or dies of the child's signal).
 */
export async function ensureNode(root, script) {
  if (supported(process.versions.node)) return;
  const bundled = join(root, 'node_modules', 'node', 'bin', 'node');
  // The guard stops a loop should the bundled binary ever be too old itself.
  if (!existsSync(bundled) || process.env.TAGPILOT_NODE_REEXEC === '1') {
    process.stderr.write(
      `tagpilot: needs Node.js >= ${MINIMUM.join('.')} (Node 24 LTS recommended); this is Node ${process.version} at ${process.execPath}.\n` +
        `  In a clone, run \`npm ci\` (it installs Node 24 into node_modules/node) and start tagpilot again;\n` +
        `  otherwise install Node 24 LTS from https://nodejs.org or your package manager.\n`,
    );
    process.exit(2);
  }
  const child = spawn(bundled, [...process.execArgv, script, ...process.argv.slice(2)], {
    stdio: 'inherit',
    env: { ...process.env, TAGPILOT_NODE_REEXEC: '1' },
  });
  const handlers = new Map();
  for (const signal of FORWARDED) {
    const handler = () => {
      if (TERMINAL_SIGNALS.has(signal) && onTerminal()) return;
      child.kill(signal);
    };
    handlers.set(signal, handler);
    process.on(signal, handler);
  }
  await new Promise((resolve) => {
    child.on('error', (error) => {
      process.stderr.write(`tagpilot: could not start ${bundled}: ${error.message}\n`);
      process.exit(2);
    });
    child.on('exit', (code, signal) => {
      for (const [name, handler] of handlers) process.off(name, handler);
      if (signal !== null) {
        // Die of the same signal, so the caller's shell sees what the child saw.
        process.kill(process.pid, signal);
        return;
      }
      process.exit(code ?? 1);
      resolve();
    });
  });
  // Not reached: the child's exit ends this process. Keep the caller from going on meanwhile.
  await new Promise(() => {});
}
