// The two ways provisioning benchmarks run (DESIGN.md "Benchmarks: what is fair"): with start-up
// delays, where overlapping waits is the win, and without, where the machine's CPU is the limit.
import type { Engine } from '../core/store-spec.js';
import { delayedStorePrefix } from './startup-delays.js';

export const modes = ['no-delay', 'delayed'] as const;
export type Mode = (typeof modes)[number];

/** A store id that puts the store in the mode's namespaces (the delay stages match by prefix). */
export function storeIdFor(mode: Mode, benchmark: string, side: 'api' | 'bare', index: number): string {
  return `${mode === 'delayed' ? delayedStorePrefix : 'n-'}${benchmark}-${side}-${index}`;
}

/** Half WooCommerce, half Medusa, so fleet and sample see the same mix. */
export const engineFor = (index: number): Engine => (index % 2 === 0 ? 'woocommerce' : 'medusa');
