/** The supervision service's REST routes: the audit log, power lists, discipline cases and notices, early warnings. */
import type { ServiceRoutes } from '../common';
import { auditRoutes } from './audit';
import { supervisionClients } from './clients';

const supervisionRoutes: ServiceRoutes = async (app, { address, deadlineMs }) => {
  const supervision = supervisionClients(address, deadlineMs);
  app.addHook('onClose', async () => {
    for (const client of Object.values(supervision)) client.close();
  });
  await app.register(auditRoutes, { supervision });
};

export default supervisionRoutes;
