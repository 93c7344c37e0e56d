import pino from 'pino';
import { startHttpService } from './http';
import type { HttpService } from './http';

describe('http service', () => {
  let service: HttpService | undefined;
  afterEach(() => service?.close());

  const start = (routes: Parameters<typeof startHttpService>[0]['routes'], shutdownGraceMs = 5000) =>
    startHttpService({ host: '127.0.0.1', port: 0, routes, logger: pino({ level: 'silent' }), keepAliveMs: 65000, shutdownGraceMs });

  it('keeps idle connections open longer than the gateway does', async () => {
    service = await start([]);
    expect(service.server.keepAliveTimeout).toBe(65000);
    expect(service.server.headersTimeout).toBeGreaterThan(65000);
  });

  it('finishes in-flight requests on shutdown and then stops accepting', async () => {
    let release: () => void = () => undefined;
    const started = new Promise<void>((resolve) => {
      service = undefined;
      void start([
        {
          method: 'GET',
          path: '/slow',
          handle: async ({ res }) => {
            resolve();
            await new Promise<void>((done) => (release = done));
            res.end('finished');
          },
        },
      ]).then((running) => {
        service = running;
        void fetch(`${running.url}/slow`).then(async (response) => inFlight.push(await response.text()));
      });
    });
    const inFlight: string[] = [];
    await started;
    const running = service!;
    const closing = running.close();
    await new Promise((resolve) => setTimeout(resolve, 50));
    await expect(fetch(`${running.url}/slow`)).rejects.toThrow();
    release();
    await closing;
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(inFlight).toEqual(['finished']);
    service = undefined;
  });

  it('refuses bodies over the limit and answers unknown paths and methods', async () => {
    service = await startHttpService({
      host: '127.0.0.1',
      port: 0,
      logger: pino({ level: 'silent' }),
      keepAliveMs: 65000,
      shutdownGraceMs: 1000,
      bodyLimit: 100,
      routes: [{ method: 'POST', path: '/echo', handle: async ({ res, body }) => void res.end(await body()) }],
    });
    const big = await fetch(`${service.url}/echo`, { method: 'POST', body: 'x'.repeat(1000) });
    expect(big.status).toBe(413);
    const refused = (await big.json()) as { errors: { extensions: { code: string } }[] };
    expect(refused.errors[0]!.extensions.code).toBe('PAYLOAD_TOO_LARGE');
    const small = await fetch(`${service.url}/echo`, { method: 'POST', body: 'hello' });
    expect(await small.text()).toBe('hello');
    expect((await fetch(`${service.url}/nowhere`)).status).toBe(404);
    expect((await fetch(`${service.url}/echo`)).status).toBe(405);
  });
});
