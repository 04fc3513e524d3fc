/** The member service's REST routes: sign-in and users, the tree, members, dues, transfers, meetings. */
import type { ServiceRoutes } from '../common';
import { authRoutes } from './auth';
import { memberClients } from './clients';
import { duesRoutes } from './dues';
import { meetingRoutes } from './meetings';
import { memberRoutes } from './members';
import { organizationRoutes } from './organizations';
import { transferRoutes } from './transfers';

const memberServiceRoutes: ServiceRoutes = async (app, { address, deadlineMs, authLimit }) => {
  const member = memberClients(address, deadlineMs);
  app.addHook('onClose', async () => {
    for (const client of Object.values(member)) client.close();
  });
  await app.register(authRoutes, { member, authLimit });
  await app.register(organizationRoutes, { member });
  await app.register(memberRoutes, { member });
  await app.register(duesRoutes, { member });
  await app.register(transferRoutes, { member });
  await app.register(meetingRoutes, { member });
};

export default memberServiceRoutes;
