import { WebSocket } from 'undici';

export interface MemorySample {
  rss: number;
  heapUsed: number;
}

interface InspectorReply {
  id: number;
  result?: { result?: { value?: unknown } };
  error?: { message: string };
}

/**
 * Full garbage collection in a service started with `--inspect=127.0.0.1:<port>`, then its
 * process.memoryUsage(), over the DevTools protocol. Without the collection, heap used and RSS
 * depend on when V8 last ran a major GC, which hides a leak as well as it fakes one.
 */
export async function collectAndMeasure(port: number, timeoutMs = 20_000): Promise<MemorySample> {
  const targets = (await (await fetch(`http://127.0.0.1:${port}/json/list`, { signal: AbortSignal.timeout(timeoutMs) })).json()) as {
    webSocketDebuggerUrl?: string;
  }[];
  const url = targets[0]?.webSocketDebuggerUrl;
  if (!url) throw new Error(`no inspector target on port ${port}`);
  const socket = new WebSocket(url);
  const pending = new Map<number, (reply: InspectorReply) => void>();
  let nextId = 0;
  socket.addEventListener('message', (event) => {
    const reply = JSON.parse(String(event.data)) as InspectorReply;
    pending.get(reply.id)?.(reply);
    pending.delete(reply.id);
  });
  const timer = setTimeout(() => socket.close(), timeoutMs);
  try {
    await new Promise<void>((resolve, reject) => {
      socket.addEventListener('open', () => resolve(), { once: true });
      socket.addEventListener('error', () => reject(new Error(`inspector on port ${port} refused the connection`)), { once: true });
    });
    const call = (method: string, params?: Record<string, unknown>): Promise<InspectorReply> =>
      new Promise((resolve, reject) => {
        const id = (nextId += 1);
        pending.set(id, (reply) => (reply.error ? reject(new Error(`${method}: ${reply.error.message}`)) : resolve(reply)));
        socket.addEventListener('close', () => reject(new Error(`inspector on port ${port} closed during ${method}`)), { once: true });
        socket.send(JSON.stringify({ id, method, ...(params ? { params } : {}) }));
      });
    await call('HeapProfiler.collectGarbage');
    const reply = await call('Runtime.evaluate', { expression: 'JSON.stringify(process.memoryUsage())', returnByValue: true });
    const usage = JSON.parse(String(reply.result?.result?.value)) as { rss: number; heapUsed: number };
    return { rss: usage.rss, heapUsed: usage.heapUsed };
  } finally {
    clearTimeout(timer);
    socket.close();
  }
}
