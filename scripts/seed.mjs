// `npm run seed`: loads the demo corpus into a running platform (see services/content/seed/).
import { ensureDependencies, runOrExit } from './lib.mjs';

ensureDependencies();
runOrExit('npx', ['tsx', 'services/content/seed/load.ts', ...process.argv.slice(2)]);
