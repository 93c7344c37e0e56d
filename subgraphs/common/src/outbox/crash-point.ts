import type { OutboxHandler } from './outbox.service';

/**
 * For fault tests only (TEST_CRASH_POINT, refused in production): the process kills itself with
 * SIGKILL right before a topic's handler runs, or right after it returned and before the relay
 * records the delivery, so a test can stop a service at an exact point of the money path instead
 * of guessing with timers.
 */
export function withCrashPoint(
  handlers: Record<string, OutboxHandler>,
  crashPoint: { topic: string; when: 'before-handler' | 'after-handler' } | null,
): Record<string, OutboxHandler> {
  const handler = crashPoint ? handlers[crashPoint.topic] : undefined;
  // Another service's topic: this relay has nothing to stop at.
  if (!crashPoint || !handler) return handlers;
  return {
    ...handlers,
    [crashPoint.topic]: async (message) => {
      if (crashPoint.when === 'before-handler') process.kill(process.pid, 'SIGKILL');
      const afterDelivery = await handler(message);
      if (crashPoint.when === 'after-handler') process.kill(process.pid, 'SIGKILL');
      return afterDelivery;
    },
  };
}
