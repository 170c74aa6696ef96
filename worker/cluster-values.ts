// The cluster's knobs for every store release (the platform chart's `stores:` values, passed to the
// worker as STOREFLEET_STORE_* variables): turned into chart values both store charts understand.
import { z } from 'zod';

const dnsSubdomain = /^[a-z0-9]([-a-z0-9.]*[a-z0-9])?$/;

/** An annotation map given as JSON, e.g. {"nginx.ingress.kubernetes.io/ssl-redirect": "true"}. */
const annotationsJson = z.string().transform((text, ctx) => {
  const problem = 'must be a JSON object of annotation names to string values';
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    ctx.addIssue({ code: 'custom', message: problem });
    return z.NEVER;
  }
  const result = z.record(z.string().min(1), z.string()).safeParse(parsed);
  if (!result.success) {
    ctx.addIssue({ code: 'custom', message: problem });
    return z.NEVER;
  }
  return result.data;
});

const optional = <T extends z.ZodType>(schema: T) =>
  z.preprocess((value) => (value === '' ? undefined : value), schema.optional());

export const clusterValuesEnv = {
  STOREFLEET_STORE_INGRESS_CLASS: optional(z.string().regex(dnsSubdomain, 'must be an IngressClass name')),
  STOREFLEET_STORE_INGRESS_ANNOTATIONS: optional(annotationsJson),
  STOREFLEET_STORE_STORAGE_CLASS: optional(z.string().regex(dnsSubdomain, 'must be a StorageClass name')),
  STOREFLEET_STORE_IMAGE_REGISTRY: optional(
    z
      .string()
      .regex(
        /^[a-z0-9]([-a-z0-9.]*[a-z0-9])?(:\d+)?(\/[a-z0-9._-]+)*\/?$/,
        'must be a registry host with an optional port and path, e.g. registry.example.com:5000/mirror',
      ),
  ),
  STOREFLEET_STORE_TLS_CLUSTER_ISSUER: optional(z.string().regex(dnsSubdomain, 'must be a ClusterIssuer name')),
};

type ClusterKnobs = z.infer<z.ZodObject<typeof clusterValuesEnv>>;

/**
 * The chart values the knobs that are set give every store release, whatever its engine (both charts
 * share these names). Ingress annotations merge with the chart's own; TLS is switched on per store
 * release from its URL (storeRelease), the issuer named here.
 */
export function clusterChartValues(knobs: ClusterKnobs): Record<string, unknown> {
  const ingress = {
    ...(knobs.STOREFLEET_STORE_INGRESS_CLASS ? { className: knobs.STOREFLEET_STORE_INGRESS_CLASS } : {}),
    ...(knobs.STOREFLEET_STORE_INGRESS_ANNOTATIONS ? { annotations: knobs.STOREFLEET_STORE_INGRESS_ANNOTATIONS } : {}),
    ...(knobs.STOREFLEET_STORE_TLS_CLUSTER_ISSUER
      ? { tls: { clusterIssuer: knobs.STOREFLEET_STORE_TLS_CLUSTER_ISSUER } }
      : {}),
  };
  return {
    ...(Object.keys(ingress).length > 0 ? { ingress } : {}),
    ...(knobs.STOREFLEET_STORE_STORAGE_CLASS
      ? { persistence: { storageClassName: knobs.STOREFLEET_STORE_STORAGE_CLASS } }
      : {}),
    ...(knobs.STOREFLEET_STORE_IMAGE_REGISTRY ? { imageRegistry: knobs.STOREFLEET_STORE_IMAGE_REGISTRY } : {}),
  };
}
