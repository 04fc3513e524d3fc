import { serve } from '@repo/kit';
import { buildApp } from './app';
import { loadConfig } from './config';

serve('supervision', loadConfig, buildApp);
