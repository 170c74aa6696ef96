// Starts the storefront: settings from the environment, one HTTP server, a clean stop on SIGTERM.
import { createServer } from 'node:http';
import { ConfigError, readConfig } from './config.js';
import { StoreApi } from './store-api.js';
import { createStorefront } from './storefront.js';

function main(): void {
  let config;
  try {
    config = readConfig(process.env);
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    console.error(`storefront: ${error.message}`);
    process.exit(2);
  }
  const handle = createStorefront(new StoreApi(config.backendUrl, config.publishableKey), config.country);
  // The handler answers every error itself; nothing is left to reject.
  const server = createServer((req, res) => void handle(req, res));
  server.listen(config.port, config.hostname, () => {
    console.log(
      JSON.stringify({
        level: 'info',
        msg: 'storefront listening',
        address: `${config.hostname}:${config.port}`,
        backend: config.backendUrl,
      }),
    );
  });
  const stop = () => server.close(() => process.exit(0));
  process.on('SIGTERM', stop);
  process.on('SIGINT', stop);
}

main();
