/** The learning service's REST routes. */
import type { ServiceRoutes } from '../common';
import { learningClients } from './clients';
import { courseRoutes } from './courses';
import { examRoutes } from './exams';
import { learnerRoutes } from './learners';
import { ledgerRoutes } from './ledger';
import { pointsRoutes } from './points';
import { studyRoutes } from './study';
import { trainingRoutes } from './trainings';

const learningRoutes: ServiceRoutes = async (app, { address, deadlineMs }) => {
  const learning = learningClients(address, deadlineMs);
  app.addHook('onClose', async () => {
    for (const client of Object.values(learning)) client.close();
  });
  await app.register(courseRoutes, { learning });
  await app.register(studyRoutes, { learning });
  await app.register(ledgerRoutes, { learning });
  await app.register(learnerRoutes, { learning });
  await app.register(examRoutes, { learning });
  await app.register(trainingRoutes, { learning });
  await app.register(pointsRoutes, { learning });
};

export default learningRoutes;
