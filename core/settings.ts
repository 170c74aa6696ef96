// What the worker tells the store workflows about its deployment (read once per run through a local
// activity, so the value is recorded in history and replays the same).
export interface StoreSettings {
  /** Provisioning that takes longer ends Failed with reason ProvisionTimeout. */
  maxProvisionSeconds: number;
  /** How often a Ready store re-checks its guardrails and restores any that were removed. */
  driftCheckSeconds: number;
  /** Stores are reached at http(s)://<storeId>.<baseDomain>. */
  baseDomain: string;
  /**
   * Whether stores are served over HTTPS (STOREFLEET_STORE_TLS_CLUSTER_ISSUER is set): their URLs start
   * with https and their Ingresses carry a certificate. Absent in histories from before it: http.
   */
  storeHttps?: boolean;
  /** A store workflow continues as new once its history has this many events, to stay cheap to replay. */
  historyEventLimit: number;
  /**
   * Whether a Ready store's storefront is requested through its URL (condition StorefrontReachable).
   * Off where store pods run no containers (the simulated cluster); absent in histories from before it.
   */
  storefrontCheck?: boolean;
  /**
   * Where the Store objects of stores made through the API live (STOREFLEET_STORE_OBJECTS_NAMESPACE);
   * unset: the workflows keep no Store objects. Absent in histories from before Store objects.
   */
  storeObjectNamespace?: string;
  /**
   * Whether the store workflow publishes its read model in its memo (GET answers from it without a
   * worker). Always on from this worker; absent in histories from before the read model, which replay
   * without it. A setting recorded in history, rather than a patch, gates it.
   */
  readModel?: boolean;
}
