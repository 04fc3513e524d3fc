import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { GrpcInstrumentation } from '@opentelemetry/instrumentation-grpc';
import { HttpInstrumentation } from '@opentelemetry/instrumentation-http';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { NodeSDK } from '@opentelemetry/sdk-node';
import { InMemorySpanExporter, SimpleSpanProcessor, type SpanExporter } from '@opentelemetry/sdk-trace-base';

export interface TelemetryOptions {
  serviceName: string;
  /** Defaults to OTLP over HTTP, configured by the standard OTEL_EXPORTER_OTLP_* variables. */
  exporter?: SpanExporter;
}

export function startTelemetry(options: TelemetryOptions): NodeSDK {
  const exporter = options.exporter ?? new OTLPTraceExporter();
  const sdk = new NodeSDK({
    resource: resourceFromAttributes({ 'service.name': options.serviceName }),
    // Tests read spans as soon as they end; production batches.
    ...(options.exporter ? { spanProcessors: [new SimpleSpanProcessor(exporter)] } : { traceExporter: exporter }),
    instrumentations: [new HttpInstrumentation(), new GrpcInstrumentation()],
  });
  sdk.start();
  return sdk;
}

/** For tests: spans kept in memory, read with `exporter.getFinishedSpans()`. */
export function startInMemoryTelemetry(serviceName = 'test'): {
  sdk: NodeSDK;
  exporter: InMemorySpanExporter;
} {
  const exporter = new InMemorySpanExporter();
  return { sdk: startTelemetry({ serviceName, exporter }), exporter };
}
