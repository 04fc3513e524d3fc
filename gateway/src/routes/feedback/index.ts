/** The feedback service's REST routes: the public's messages and search, the staff's handling and statistics. */
import { RpcClient } from '@repo/grpc';
import { FeedbackServiceService } from '@repo/proto/feedback/v1';
import type { ServiceRoutes } from '../common';
import { handlingRoutes } from './handling';
import { messageRoutes } from './messages';

const feedbackRoutes: ServiceRoutes = async (app, { address, deadlineMs }) => {
  const feedback = new RpcClient(FeedbackServiceService, address, deadlineMs);
  app.addHook('onClose', async () => feedback.close());
  await app.register(messageRoutes, { feedback });
  await app.register(handlingRoutes, { feedback });
};

export default feedbackRoutes;
