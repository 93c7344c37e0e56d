import { Writable } from 'node:stream';
import pino from 'pino';
import { RequestLogging } from './logger';

function capture(): { logger: pino.Logger; lines: Record<string, unknown>[] } {
  const lines: Record<string, unknown>[] = [];
  const sink = new Writable({
    write(chunk: Buffer, _encoding, done) {
      lines.push(JSON.parse(chunk.toString('utf8')) as Record<string, unknown>);
      done();
    },
  });
  return { logger: pino({ level: 'info' }, sink), lines };
}

describe('RequestLogging', () => {
  it('makes the child logger only when the request logs, with every binding', () => {
    const { logger, lines } = capture();
    const child = jest.spyOn(logger, 'child');
    const logging = new RequestLogging(logger, { requestId: 'r1', traceId: 't1' });
    expect(child).not.toHaveBeenCalled();
    logging.logger.info('first');
    logging.logger.info('second');
    expect(child).toHaveBeenCalledTimes(1);
    expect(lines.map(({ msg, requestId, traceId }) => ({ msg, requestId, traceId }))).toEqual([
      { msg: 'first', requestId: 'r1', traceId: 't1' },
      { msg: 'second', requestId: 'r1', traceId: 't1' },
    ]);
  });

  it('stays lazy through the shallow copy Apollo Server makes of a context', () => {
    const { logger, lines } = capture();
    const child = jest.spyOn(logger, 'child');
    const context = Object.assign(new RequestLogging(logger, { requestId: 'r2' }), { principal: null });
    const copy = Object.assign(Object.create(Object.getPrototypeOf(context) as object) as typeof context, context);
    expect(child).not.toHaveBeenCalled();
    expect(copy.principal).toBeNull();
    copy.logger.warn('from the copy');
    expect(child).toHaveBeenCalledTimes(1);
    expect(lines[0]).toMatchObject({ msg: 'from the copy', requestId: 'r2' });
  });
});
