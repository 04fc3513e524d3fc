/**
 * Loaded ahead of the app with `node --require @repo/telemetry/register`, so instrumentation
 * patches http and gRPC before they are imported. Off unless an OTLP endpoint is configured
 * (OTEL_EXPORTER_OTLP_ENDPOINT or OTEL_EXPORTER_OTLP_TRACES_ENDPOINT); OTEL_SDK_DISABLED=true
 * turns it off regardless.
 */
import { startTelemetry } from './sdk';

const endpoint = process.env.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT ?? process.env.OTEL_EXPORTER_OTLP_ENDPOINT;
if (endpoint && process.env.OTEL_SDK_DISABLED !== 'true') {
  const sdk = startTelemetry({ serviceName: process.env.OTEL_SERVICE_NAME ?? 'partybuilding' });
  const shutdown = () => void sdk.shutdown();
  process.once('SIGTERM', shutdown);
  process.once('SIGINT', shutdown);
}
