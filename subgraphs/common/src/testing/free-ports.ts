import { createServer } from 'node:net';
import type { AddressInfo } from 'node:net';

/**
 * Loopback ports that are free now. Subgraphs call each other, so a test stack must know every
 * URL before the first one starts; the operating system's port 0 only tells afterwards.
 */
export async function freePorts(count: number): Promise<number[]> {
  const servers = await Promise.all(
    Array.from(
      { length: count },
      () =>
        new Promise<ReturnType<typeof createServer>>((resolve, reject) => {
          const server = createServer();
          server.once('error', reject);
          server.listen(0, '127.0.0.1', () => resolve(server));
        }),
    ),
  );
  const ports = servers.map((server) => (server.address() as AddressInfo).port);
  await Promise.all(servers.map((server) => new Promise((resolve) => server.close(resolve))));
  return ports;
}
