import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect } from '@playwright/test';

/**
 * A server process of its own, for tests that kill it, restart it or change
 * its settings: the shared server of the other tests is never touched. It
 * serves the built dist/ on its own port (so its own origin and service
 * worker) with its own PGlite directory, which survives a kill and restart.
 * With `ownDist`, it serves a copy of dist/ that the test may change (a deploy).
 */
export class IsolatedServer {
  private process: ChildProcess | null = null;

  private constructor(
    readonly origin: string,
    private readonly port: number,
    private readonly root: string,
    private readonly env: Record<string, string>,
    private readonly entry: string,
  ) {}

  /** With `timeTravel`: moves the server's clock to now + `ms` (e2e/fixtures/time-travel-server.ts). */
  setClockOffset(ms: number): void {
    if (this.entry === MAIN) throw new Error('start the server with timeTravel to move its clock');
    mkdirSync(join(this.root, 'data'), { recursive: true });
    writeFileSync(join(this.root, 'data', 'clock-offset-ms'), String(ms));
  }

  /** Where this server writes its mail (.eml files). */
  get mailDir(): string {
    return join(this.root, 'data', 'mail');
  }

  /** The dist/ this server serves (a copy of its own with `ownDist`). */
  get staticDir(): string {
    return this.env.STATIC_DIR ?? 'dist';
  }

  static async start(options: { env?: Record<string, string>; ownDist?: boolean; timeTravel?: boolean } = {}): Promise<IsolatedServer> {
    const root = mkdtempSync(join(tmpdir(), 'aideepref-isolated-'));
    const port = await freePort();
    const env = { ...options.env };
    if (options.ownDist) {
      cpSync('dist', join(root, 'dist'), { recursive: true });
      env.STATIC_DIR = join(root, 'dist');
    }
    const server = new IsolatedServer(`http://127.0.0.1:${port}`, port, root, env, options.timeTravel ? TIME_TRAVEL : MAIN);
    await server.restart();
    return server;
  }

  /** Starts the process again on the same port and data directory. */
  async restart(): Promise<void> {
    if (this.process && this.process.exitCode === null && this.process.signalCode === null) throw new Error('the server is still running');
    this.process = spawn(process.execPath, ['--import', 'tsx', this.entry], {
      env: {
        ...process.env,
        PORT: String(this.port),
        HOST: '127.0.0.1',
        DATA_DIR: join(this.root, 'data'),
        DATABASE_URL: '',
        REDIS_URL: '',
        LOG_LEVEL: 'warn',
        ...this.env,
      },
      stdio: 'inherit',
    });
    await expect.poll(() => this.healthy(), { message: `server on ${this.origin} answers`, timeout: 60_000 }).toBe(true);
  }

  /** As a crash would: no chance to close anything. */
  async kill(): Promise<void> {
    const child = this.process;
    if (!child || child.exitCode !== null || child.signalCode !== null) return;
    const exited = new Promise((resolve) => child.once('exit', resolve));
    child.kill('SIGKILL');
    await exited;
  }

  async stop(): Promise<void> {
    const child = this.process;
    if (child && child.exitCode === null && child.signalCode === null) {
      const exited = new Promise((resolve) => child.once('exit', resolve));
      child.kill('SIGTERM');
      await exited;
    }
    rmSync(this.root, { recursive: true, force: true });
  }

  private async healthy(): Promise<boolean> {
    try {
      return (await fetch(`${this.origin}/api/health`)).ok;
    } catch {
      return false;
    }
  }
}

const MAIN = 'src/server/main.ts';
const TIME_TRAVEL = 'e2e/fixtures/time-travel-server.ts';

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const address = probe.address();
      probe.close(() => (typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port'))));
    });
  });
}
