// SIGINT and SIGTERM for the API and the ingress: the first starts the stop, a later one is only
// logged. The listener stays for the life of the process on purpose: execa's child clean-up
// (signal-exit) re-raises a signal it finds no other listener for, so with a listener that removed
// itself (process.once) a SIGTERM arriving while a child ran (the ingress's `nginx -t`) killed the
// process at once instead of letting its stop finish. (The worker's signals are the Temporal
// runtime's, which drops its listener on the first one: helm runs with execa's clean-up off.)
import type { Logger } from 'pino';

export function onStopSignals(log: Logger, stop: (signal: NodeJS.Signals) => void): void {
  let stopping = false;
  const listener = (signal: NodeJS.Signals) => {
    if (stopping) {
      log.info({ signal }, 'already stopping');
      return;
    }
    stopping = true;
    stop(signal);
  };
  for (const signal of ['SIGINT', 'SIGTERM'] as const) process.on(signal, listener);
}
