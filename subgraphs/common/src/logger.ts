import pino from 'pino';
import type { Logger } from 'pino';

export type { Logger };

/**
 * Paths that may carry secrets or personal data. Redaction is the safety net; code must still
 * never log a full IBAN or a token on purpose.
 */
const REDACT_PATHS = [
  'authorization',
  'headers.authorization',
  'req.headers.authorization',
  'req.headers["x-guthaben-principal"]',
  'headers["x-guthaben-principal"]',
  'token',
  '*.token',
  'iban',
  '*.iban',
  'secret',
  '*.secret',
  'password',
  '*.password',
  'variables.iban',
  'variables.input.iban',
  'variables.token',
];

export function createLogger(service: string, level: string): Logger {
  return pino({
    level,
    base: { service },
    timestamp: pino.stdTimeFunctions.isoTime,
    redact: { paths: REDACT_PATHS, censor: '[redacted]' },
    formatters: { level: (label) => ({ level: label }) },
  });
}

/**
 * The logger of one request, made on first use: most requests log nothing, and a pino child
 * serializes its bindings (through redaction) the moment it is made, a few percent of a service's
 * CPU per request. The getter sits on the prototype, so Apollo Server's shallow copy of a context
 * (Object.assign onto the same prototype) stays lazy too.
 */
export class RequestLogging {
  private made: Logger | undefined;

  constructor(
    private readonly parentLogger: Logger,
    private readonly bindings: Record<string, unknown>,
  ) {}

  get logger(): Logger {
    return (this.made ??= this.parentLogger.child(this.bindings));
  }
}
