// What the order checks of both engines share: steps recorded as they run (the first failure stops
// the flow), JSON calls to the store's URL, and masking of the store's secrets in every message.
import type { OrderCheckStep } from '../core/status.js';
import type { Mask } from './log-tail.js';
import { storeRequest } from './store-http.js';

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

export class OrderFlow {
  readonly steps: OrderCheckStep[] = [];
  orderId?: string;

  constructor(
    readonly url: string,
    /** Masks the store's secret values in every message, whatever a store echoes back. */
    readonly mask: Mask,
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
}

export interface JsonCall {
  method?: string;
  headers?: Record<string, string>;
  body?: unknown;
  /** A form body (application/x-www-form-urlencoded) instead of JSON. */
  form?: Record<string, string>;
}

/** A JSON answer with its headers; an HTTP error status throws StoreHttpError with the store's message. */
export async function callStore<T>(url: string, call: JsonCall = {}): Promise<{ json: T; headers: Record<string, string | string[] | undefined>; status: number }> {
  const headers: Record<string, string> = { accept: 'application/json', ...call.headers };
  let body: string | undefined;
  if (call.form) {
    headers['content-type'] = 'application/x-www-form-urlencoded';
    body = new URLSearchParams(call.form).toString();
  } else if (call.body !== undefined) {
    headers['content-type'] = 'application/json';
    body = JSON.stringify(call.body);
  }
  const response = await storeRequest(url, { method: call.method ?? 'GET', headers, body, readBody: true, timeoutMs: 30_000 });
  const json = parseJson(response.body);
  if (response.status >= 400) {
    const said = (json as { message?: unknown } | undefined)?.message;
    throw new StoreHttpError(response.status, `${call.method ?? 'GET'} ${new URL(url).pathname}: HTTP ${response.status}${typeof said === 'string' ? `: ${said}` : ''}`);
  }
  return { json: json as T, headers: response.headers, status: response.status };
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
  return { email: `order-check@${storeId}.store.invalid`, first_name: 'Order', last_name: 'Check', address_1: '1 Check Street', city: 'Springfield', postcode: '12345' };
}
