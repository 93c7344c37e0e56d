import { Writable } from 'node:stream';
import { parse } from 'graphql';
import type { OperationDefinitionNode } from 'graphql';
import pino from 'pino';
import { auditPlugin } from './hardening';

function capture(): { logger: pino.Logger; lines: Record<string, unknown>[] } {
  const lines: Record<string, unknown>[] = [];
  const stream = new Writable({
    write(chunk, _encoding, done) {
      lines.push(JSON.parse(chunk.toString()));
      done();
    },
  });
  return { logger: pino({ level: 'info' }, stream), lines };
}

async function run(plugin: ReturnType<typeof auditPlugin>, role: string, document: string): Promise<void> {
  const operation = parse(document).definitions[0] as OperationDefinitionNode;
  const hooks = await plugin.requestDidStart!({} as never);
  await (hooks as { willSendResponse: (context: unknown) => Promise<void> }).willSendResponse({
    contextValue: { principal: { role, subject: `${role}-7` }, requestId: 'req-1', clientAddress: '10.1.2.3' },
    operation,
    response: { body: { kind: 'single', singleResult: { data: {} } } },
    errors: undefined,
  });
}

describe('audit log', () => {
  it('records who, what, when and from where for every admin and operator write, and nothing else', async () => {
    const { logger, lines } = capture();
    const plugin = auditPlugin(logger);
    await run(plugin, 'admin', 'mutation Publish { publishBrandPolicy(brand: "O2", policy: {}) { version } }');
    await run(plugin, 'operator', 'mutation { createVoucherBatch(brand: "O2", valueCents: 1500, size: 1) { id } }');
    await run(plugin, 'admin', '{ brands { code } }');
    await run(plugin, 'partner', 'mutation { createTopUp(input: {}) { id } }');
    await new Promise((resolve) => setImmediate(resolve));
    expect(lines).toHaveLength(2);
    expect(lines[0]).toEqual(
      expect.objectContaining({
        audit: true,
        role: 'admin',
        subject: 'admin-7',
        operationName: 'Publish',
        fields: ['publishBrandPolicy'],
        from: '10.1.2.3',
        requestId: 'req-1',
        outcome: 'ok',
        time: expect.any(Number),
      }),
    );
    expect(lines[1]).toEqual(expect.objectContaining({ role: 'operator', fields: ['createVoucherBatch'], operationName: null }));
  });
});
