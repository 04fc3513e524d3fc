/**
 * Loaded ahead of the app with `node --require @repo/telemetry/register`, so instrumentation
 * patches http, gRPC and the MongoDB driver before they are imported. Off unless an OTLP endpoint
 * is configured (OTEL_EXPORTER_OTLP_ENDPOINT, or OTEL_EXPORTER_OTLP_TRACES_ENDPOINT /
 * OTEL_EXPORTER_OTLP_METRICS_ENDPOINT); OTEL_SDK_DISABLED=true turns it off regardless. Traces and
 * metrics go to the same collector (deploy/otel/collector.yaml).
 */
import { startTelemetry } from './sdk';

const endpoint =
  process.env.OTEL_EXPORTER_OTLP_ENDPOINT ??
  process.env.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT ??
  process.env.OTEL_EXPORTER_OTLP_METRICS_ENDPOINT;
if (endpoint && process.env.OTEL_SDK_DISABLED !== 'true') {
  const sdk = startTelemetry({ serviceName: process.env.OTEL_SERVICE_NAME ?? 'partybuilding' });
  // Flushes what is buffered (the last spans and metrics) while the app drains.
  const shutdown = () => void sdk.shutdown();
  process.once('SIGTERM', shutdown);
  process.once('SIGINT', shutdown);
}
