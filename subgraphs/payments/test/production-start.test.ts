import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { DEVELOPMENT_SECRETS } from '../../common/src/config';
import { freshProductionSecrets } from '../../common/src/testing/production-secrets';

const root = join(__dirname, '..', '..', '..');
const register = join(root, 'subgraphs', 'common', 'src', 'testing', 'transpile-register.js');

/** Starts the payments service as its own process and returns how it ended and what it said. */
function startPayments(env: Record<string, string>): Promise<{ code: number | null; output: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ['-r', register, join(root, 'subgraphs', 'payments', 'src', 'server.ts')], {
      cwd: root,
      env: { PATH: process.env.PATH ?? '', LOG_LEVEL: 'silent', PAYMENTS_PORT: '0', DATABASE_URL: 'mysql://root@127.0.0.1:1/never', ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    const timer = setTimeout(() => child.kill('SIGKILL'), 20_000);
    child.on('exit', (code) => {
      clearTimeout(timer);
      resolve({ code, output });
    });
  });
}

const realSecrets = { NODE_ENV: 'production', ...freshProductionSecrets() };

describe('payments in production', () => {
  it('refuses to start with the development payment provider secrets', async () => {
    const { code, output } = await startPayments({ ...realSecrets, STRIPE_SECRET_KEY: DEVELOPMENT_SECRETS.STRIPE_SECRET_KEY, STRIPE_WEBHOOK_SECRET: DEVELOPMENT_SECRETS.STRIPE_WEBHOOK_SECRET });
    expect(code).not.toBe(0);
    expect(output).toMatch(/Refusing to start in production/);
    expect(output).toMatch(/STRIPE_SECRET_KEY is the development default/);
    expect(output).toMatch(/STRIPE_WEBHOOK_SECRET is the development default/);
    expect(output).not.toContain(DEVELOPMENT_SECRETS.STRIPE_SECRET_KEY);
  });

  it('refuses to start when the provider points at the local fake', async () => {
    const { code, output } = await startPayments({ ...realSecrets, STRIPE_API_URL: 'http://127.0.0.1:4010' });
    expect(code).not.toBe(0);
    expect(output).toMatch(/STRIPE_API_URL points the payment provider at a local fake/);
  });
});
