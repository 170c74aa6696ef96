// Search attributes every store workflow carries, so the Temporal UI and `temporal workflow list --query`
// can find stores by id, engine, plan, phase and owner. The dev server registers exactly these.
export const storeSearchAttributes = {
  StoreId: 'Keyword',
  StoreEngine: 'Keyword',
  StorePlan: 'Keyword',
  StorePhase: 'Keyword',
  StoreOwner: 'Keyword',
} as const;

export type StoreSearchAttributeName = keyof typeof storeSearchAttributes;
