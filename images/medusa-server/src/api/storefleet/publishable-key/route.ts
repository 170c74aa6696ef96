// The storefront's publishable key, for the storefront container (in-cluster; the Ingress does not
// route /storefleet). Publishable keys are public by design: browsers send them with every Store API call.
import type { MedusaRequest, MedusaResponse } from '@medusajs/framework/http';
import type { IApiKeyModuleService } from '@medusajs/framework/types';
import { Modules } from '@medusajs/framework/utils';
import { STOREFRONT_KEY_TITLE } from '../../../storefront-catalog';

export async function GET(req: MedusaRequest, res: MedusaResponse): Promise<void> {
  const apiKeys: IApiKeyModuleService = req.scope.resolve(Modules.API_KEY);
  const key = (await apiKeys.listApiKeys({ title: STOREFRONT_KEY_TITLE, type: 'publishable' })).find(
    (candidate) => !candidate.revoked_at,
  );
  if (!key) {
    res.status(404).json({ message: 'the setup Job has not made the storefront key yet' });
    return;
  }
  res.json({ key: key.token });
}
