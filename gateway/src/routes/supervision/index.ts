/** The supervision service's REST routes: the audit log, power lists, discipline cases and notices, early warnings. */
import type { ServiceRoutes } from '../common';
import { auditRoutes } from './audit';
import { supervisionClients } from './clients';
import { disciplineRoutes } from './discipline';
import { powerRoutes } from './power';
import { warningRoutes } from './warnings';

const supervisionRoutes: ServiceRoutes = async (app, { address, deadlineMs }) => {
  const supervision = supervisionClients(address, deadlineMs);
  app.addHook('onClose', async () => {
    for (const client of Object.values(supervision)) client.close();
  });
  await app.register(auditRoutes, { supervision });
  await app.register(disciplineRoutes, { supervision });
  await app.register(warningRoutes, { supervision });
  await app.register(powerRoutes, { supervision });
};

export default supervisionRoutes;
