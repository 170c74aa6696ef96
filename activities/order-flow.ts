// What the order checks of both engines share: steps recorded as they run (the first failure stops
// the flow), JSON calls to the store's URL, and masking of the store's secrets in every message.
import type { OrderCheckStep } from '../core/status.js';
import type { Mask } from './log-tail.js';
import { storeRequest, type StoreRequest, type StoreResponse } from './store-http.js';

/** A step failed; its record (with the reason) is already in the flow's steps. */
export class OrderStepFailed extends Error {}

/** The store answered with an HTTP error: its status and what it said. */
export class StoreHttpError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

export interface OrderCredentials {
  username: string;
  email: string;
  password: string;
}

export interface JsonCall {
  method?: string;
  headers?: Record<string, string>;
  body?: unknown;
}

export class OrderFlow {
  readonly steps: OrderCheckStep[] = [];
  orderId?: string;

  constructor(
    /** The store's URL, without a trailing slash. */
    readonly url: string,
    /** Masks the store's secret values in every message, whatever a store echoes back. */
    readonly mask: Mask,
    /** Where store URLs are answered, when not by name (STOREFLEET_STORE_INGRESS_URL). */
    private readonly ingressUrl?: string,
  ) {}

  /** Runs one step; on failure records why and throws OrderStepFailed. */
  async step<T>(name: string, run: () => Promise<T>, describe: (value: T) => string): Promise<T> {
    try {
      const value = await run();
      this.steps.push({ name, ok: true, message: this.mask(describe(value)) });
      return value;
    } catch (error) {
      this.steps.push({ name, ok: false, message: this.mask(describeError(error)) });
      throw new OrderStepFailed(name);
    }
  }

  /** A request to a path of the store, as it comes. */
  request(path: string, options: Omit<StoreRequest, 'ingressUrl'> = {}): Promise<StoreResponse> {
    return storeRequest(`${this.url}${path}`, {
      timeoutMs: 30_000,
      ...options,
      ...(this.ingressUrl ? { ingressUrl: this.ingressUrl } : {}),
    });
  }

  /** A JSON call to a path of the store; an HTTP error status throws StoreHttpError with the store's message. */
  async call<T>(
    path: string,
    call: JsonCall = {},
  ): Promise<{ json: T; headers: StoreResponse['headers']; status: number }> {
    const method = call.method ?? 'GET';
    const headers: Record<string, string> = { accept: 'application/json', ...call.headers };
    if (call.body !== undefined) headers['content-type'] = 'application/json';
    const response = await this.request(path, {
      method,
      headers,
      body: call.body === undefined ? undefined : JSON.stringify(call.body),
      readBody: true,
    });
    const json = parseJson(response.body);
    if (response.status >= 400) {
      const said = (json as { message?: unknown } | undefined)?.message;
      throw new StoreHttpError(
        response.status,
        `${method} ${path.split('?')[0] ?? path}: HTTP ${response.status}${typeof said === 'string' ? `: ${said}` : ''}`,
      );
    }
    return { json: json as T, headers: response.headers, status: response.status };
  }
}

function parseJson(text: string | undefined): unknown {
  if (!text) return undefined;
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

function describeError(error: unknown): string {
  if (error instanceof Error && error.cause instanceof Error) return `${error.message}: ${error.cause.message}`;
  return error instanceof Error ? error.message : String(error);
}

/** The customer the checks order as: an address that never receives mail (RFC 2606 .invalid). */
export function checkCustomer(storeId: string) {
  return {
    email: `order-check@${storeId}.store.invalid`,
    first_name: 'Order',
    last_name: 'Check',
    address_1: '1 Check Street',
    city: 'Springfield',
    postcode: '12345',
  };
}
