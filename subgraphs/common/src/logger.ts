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
