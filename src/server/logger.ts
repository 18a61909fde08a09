/**
 * pino with the promises the server makes about logs: no passwords, no
 * tokens (the authorization header is redacted), no record contents (bodies
 * are never logged; errors are summarized, see http/errors.ts).
 */
import pino from 'pino';

export function createLogger(level: string, destination?: pino.DestinationStream): pino.Logger {
  const options: pino.LoggerOptions = {
    level,
    redact: {
      paths: ['req.headers.authorization', 'req.headers.cookie', '*.password', '*.token', 'password', 'token'],
      censor: '[redacted]',
    },
  };
  return destination ? pino(options, destination) : pino(options);
}
