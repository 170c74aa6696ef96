// The storefront's settings, all from the environment the store chart sets; checked at start-up.
export interface StorefrontConfig {
  port: number;
  /** Address to listen on (0.0.0.0 in a pod). */
  hostname: string;
  /** The Medusa server as the storefront reaches it (the in-cluster Service). */
  backendUrl: string;
  /** Country whose region prices and ships (ISO 3166-1 alpha-2, lower case). */
  country: string;
  /** The publishable key; when empty, asked of the server's /storefleet/publishable-key. */
  publishableKey: string;
}

export class ConfigError extends Error {}

export function readConfig(env: Record<string, string | undefined>): StorefrontConfig {
  const port = Number(env.PORT ?? '8000');
  if (!Number.isInteger(port) || port < 1 || port > 65535)
    throw new ConfigError(`PORT must be a port number, got "${env.PORT}"`);
  const backendUrl = env.MEDUSA_BACKEND_URL ?? '';
  if (!/^https?:\/\/[^/]+/.test(backendUrl))
    throw new ConfigError(`MEDUSA_BACKEND_URL must be an http(s) URL, got "${backendUrl}"`);
  const country = (env.DEFAULT_COUNTRY ?? 'us').toLowerCase();
  if (!/^[a-z]{2}$/.test(country))
    throw new ConfigError(`DEFAULT_COUNTRY must be a two-letter country code, got "${env.DEFAULT_COUNTRY}"`);
  return {
    port,
    hostname: env.LISTEN_ADDRESS ?? '0.0.0.0',
    backendUrl: backendUrl.replace(/\/+$/, ''),
    country,
    publishableKey: env.PUBLISHABLE_KEY ?? '',
  };
}
