// storefleet's Medusa server: every setting comes from the environment the store chart sets, so one
// image serves every store. With REDIS_URL the event bus, cache, workflow engine and locks use Redis
// (what a store with a separate worker needs); without it Medusa's in-process modules are used.
import { defineConfig } from '@medusajs/framework/utils';

const redisUrl = process.env.REDIS_URL;

const redisModules = redisUrl
  ? [
      { resolve: '@medusajs/medusa/cache-redis', options: { redisUrl } },
      { resolve: '@medusajs/medusa/event-bus-redis', options: { redisUrl } },
      { resolve: '@medusajs/medusa/workflow-engine-redis', options: { redis: { redisUrl } } },
      {
        resolve: '@medusajs/medusa/locking',
        options: {
          providers: [
            { resolve: '@medusajs/medusa/locking-redis', id: 'locking-redis', is_default: true, options: { redisUrl } },
          ],
        },
      },
    ]
  : [];

module.exports = defineConfig({
  projectConfig: {
    databaseUrl: process.env.DATABASE_URL,
    // The chart's PostgreSQL speaks plain TCP inside the namespace.
    databaseDriverOptions: { connection: { ssl: false } },
    redisUrl,
    workerMode: (process.env.MEDUSA_WORKER_MODE as 'shared' | 'worker' | 'server' | undefined) ?? 'shared',
    http: {
      storeCors: process.env.STORE_CORS ?? '',
      adminCors: process.env.ADMIN_CORS ?? '',
      authCors: process.env.AUTH_CORS ?? '',
      // Medusa refuses to start in production without them.
      jwtSecret: process.env.JWT_SECRET,
      cookieSecret: process.env.COOKIE_SECRET,
    },
  },
  admin: {
    path: '/app',
    // Same origin: the dashboard calls the API on whatever host served it, so one build fits every store.
    backendUrl: '/',
    disable: process.env.DISABLE_MEDUSA_ADMIN === 'true',
  },
  modules: redisModules,
});
