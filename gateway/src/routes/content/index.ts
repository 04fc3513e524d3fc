/** The content service's REST routes: documents, the editorial workflow, search. */
import { RpcClient } from '@repo/grpc';
import { ContentServiceService } from '@repo/proto/content/v1';
import type { ServiceRoutes } from '../common';
import { documentRoutes } from './documents';
import { searchRoutes } from './search';

const contentRoutes: ServiceRoutes = async (app, { address, deadlineMs }) => {
  const content = new RpcClient(ContentServiceService, address, deadlineMs);
  app.addHook('onClose', async () => content.close());
  await app.register(documentRoutes, { content });
  await app.register(searchRoutes, { content });
};

export default contentRoutes;
