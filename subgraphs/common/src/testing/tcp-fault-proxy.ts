import { connect, createServer } from 'node:net';
import type { AddressInfo, Server, Socket } from 'node:net';

/** pass: forward; cut: destroy every open connection and refuse new ones; stall: keep sockets open, forward nothing; slow: forward after a delay. */
export type FaultMode = { kind: 'pass' } | { kind: 'cut' } | { kind: 'stall' } | { kind: 'slow'; delayMs: number };

interface Pair {
  client: Socket;
  upstream: Socket;
  /** Chunks held back while stalled, in order, per direction. */
  held: { to: Socket; chunk: Buffer }[];
}

/**
 * A TCP proxy on loopback between a service and its database, for fault tests: it can pass, cut,
 * stall (connections stay open, no byte moves: what a hung server or a dropped route looks like) and
 * slow traffic. Stalled bytes are forwarded when the proxy passes again, so a stall ends like a
 * network hiccup, not like data loss.
 */
export class TcpFaultProxy {
  private mode: FaultMode = { kind: 'pass' };
  private readonly pairs = new Set<Pair>();
  private server!: Server;
  port = 0;

  private constructor(
    private readonly targetHost: string,
    private readonly targetPort: number,
  ) {}

  static async start(targetHost: string, targetPort: number): Promise<TcpFaultProxy> {
    if (targetHost !== '127.0.0.1' && targetHost !== 'localhost') throw new Error('the fault proxy only targets loopback');
    const proxy = new TcpFaultProxy(targetHost, targetPort);
    proxy.server = createServer((client) => proxy.accept(client));
    await new Promise<void>((resolve) => proxy.server.listen(0, '127.0.0.1', resolve));
    proxy.port = (proxy.server.address() as AddressInfo).port;
    return proxy;
  }

  /** Open client connections (each has one upstream connection). */
  get connections(): number {
    return this.pairs.size;
  }

  set(mode: FaultMode): void {
    this.mode = mode;
    if (mode.kind === 'cut') {
      for (const pair of this.pairs) this.drop(pair);
      return;
    }
    if (mode.kind !== 'stall') {
      for (const pair of this.pairs) {
        const held = pair.held.splice(0);
        for (const { to, chunk } of held) this.forward(pair, to, chunk);
      }
    }
  }

  pass(): void {
    this.set({ kind: 'pass' });
  }

  async stop(): Promise<void> {
    for (const pair of this.pairs) this.drop(pair);
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private accept(client: Socket): void {
    if (this.mode.kind === 'cut') {
      client.destroy();
      return;
    }
    const upstream = connect(this.targetPort, this.targetHost);
    const pair: Pair = { client, upstream, held: [] };
    this.pairs.add(pair);
    client.on('data', (chunk: Buffer) => this.forward(pair, upstream, chunk));
    upstream.on('data', (chunk: Buffer) => this.forward(pair, client, chunk));
    const close = (): void => this.drop(pair);
    client.on('error', close).on('close', close);
    upstream.on('error', close).on('close', close);
  }

  private forward(pair: Pair, to: Socket, chunk: Buffer): void {
    const mode = this.mode;
    if (mode.kind === 'stall') pair.held.push({ to, chunk });
    else if (mode.kind === 'slow') setTimeout(() => to.destroyed || to.write(chunk), mode.delayMs);
    else if (mode.kind === 'pass') to.destroyed || to.write(chunk);
  }

  private drop(pair: Pair): void {
    if (!this.pairs.delete(pair)) return;
    pair.client.destroy();
    pair.upstream.destroy();
  }
}
