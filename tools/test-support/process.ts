/**
 * Spawns src/server/main.ts as a real process and waits until it listens.
 * Node itself runs the server (`node --import tsx`), not the tsx CLI: the CLI
 * is a wrapper process, and a SIGKILL sent to it would leave the server running.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

export interface ServerProcess {
  child: ChildProcess;
  url: string;
  /** Its DATA_DIR (a fresh temporary one unless the caller gave one); mail lands in `mail/` there. */
  dataDir: string;
  output: () => string;
  stop(signal?: NodeJS.Signals): Promise<void>;
}

const ROOT = resolve(import.meta.dirname, '../..');
const OUTPUT_KEPT = 256 * 1024;

export function spawnServer(env: Record<string, string>, timeoutMs = 90_000): Promise<ServerProcess> {
  const dataDir = env.DATA_DIR || mkdtempSync(join(tmpdir(), 'aideepref-proc-'));
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/server/main.ts'], {
    cwd: ROOT,
    env: { ...process.env, PORT: '0', HOST: '127.0.0.1', LOG_LEVEL: 'info', STATIC_DIR: '/nonexistent', ...env, DATA_DIR: dataDir },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  // The last OUTPUT_KEPT characters of stdout+stderr (a server under load logs every request).
  let out = '';
  const keep = (chunk: Buffer) => {
    out += chunk.toString();
    if (out.length > 2 * OUTPUT_KEPT) out = out.slice(-OUTPUT_KEPT);
  };
  const exited = new Promise<void>((res) => child.once('exit', () => res()));
  const stop = async (signal: NodeJS.Signals = 'SIGTERM') => {
    if (child.exitCode === null && child.signalCode === null) child.kill(signal);
    await exited;
  };
  child.stdout?.on('data', keep);
  child.stderr?.on('data', keep);
  return new Promise((resolvePromise, reject) => {
    let pending = '';
    const timer = setTimeout(() => {
      void stop('SIGKILL');
      reject(new Error(`server did not start in time:\n${out}`));
    }, timeoutMs);
    const onExit = (code: number | null) => {
      clearTimeout(timer);
      reject(new Error(`server exited with ${code}:\n${out}`));
    };
    const onData = (chunk: Buffer) => {
      pending += chunk.toString();
      const lines = pending.split('\n');
      pending = lines.pop() ?? '';
      for (const line of lines) {
        if (!line.includes('"server ready"')) continue;
        const { port } = JSON.parse(line) as { port: number };
        clearTimeout(timer);
        child.stdout?.off('data', onData);
        child.off('exit', onExit);
        resolvePromise({ child, url: `http://127.0.0.1:${port}`, dataDir, output: () => out, stop });
        return;
      }
    };
    child.stdout?.on('data', onData);
    child.once('exit', onExit);
  });
}
