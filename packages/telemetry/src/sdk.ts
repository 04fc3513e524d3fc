import { OTLPMetricExporter } from '@opentelemetry/exporter-metrics-otlp-http';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { GrpcInstrumentation } from '@opentelemetry/instrumentation-grpc';
import { HttpInstrumentation } from '@opentelemetry/instrumentation-http';
import { MongoDBInstrumentation } from '@opentelemetry/instrumentation-mongodb';
import { resourceFromAttributes } from '@opentelemetry/resources';
import {
  AggregationTemporality,
  InMemoryMetricExporter,
  PeriodicExportingMetricReader,
  type MetricReader,
} from '@opentelemetry/sdk-metrics';
import { NodeSDK } from '@opentelemetry/sdk-node';
import { InMemorySpanExporter, SimpleSpanProcessor, type SpanExporter } from '@opentelemetry/sdk-trace-base';

export interface TelemetryOptions {
  serviceName: string;
  /** Defaults to OTLP over HTTP, configured by the standard OTEL_EXPORTER_OTLP_* variables. */
  exporter?: SpanExporter;
  /**
   * Where metrics go. Defaults to OTLP over HTTP every OTEL_METRIC_EXPORT_INTERVAL ms (60 s
   * unless set); `false` records no metrics.
   */
  metricReader?: MetricReader | false;
}

/** How often metrics are exported: OTEL_METRIC_EXPORT_INTERVAL (ms), 60 s by default. */
export function metricExportIntervalMs(env: NodeJS.ProcessEnv = process.env): number {
  const value = Number(env.OTEL_METRIC_EXPORT_INTERVAL);
  return Number.isInteger(value) && value >= 100 ? value : 60_000;
}

/**
 * Starts the OpenTelemetry SDK: traces and metrics of http (the gateway's REST routes, the
 * services' Elasticsearch client), gRPC (both sides) and the MongoDB driver, plus whatever the
 * platform's packages record through @opentelemetry/api (RED per route and per RPC in the gateway
 * and the kit, consumer lag and redeliveries, outbox backlog, job runs, store operations).
 */
export function startTelemetry(options: TelemetryOptions): NodeSDK {
  const exporter = options.exporter ?? new OTLPTraceExporter();
  const metricReader =
    options.metricReader === false
      ? undefined
      : (options.metricReader ??
        new PeriodicExportingMetricReader({ exporter: new OTLPMetricExporter(), exportIntervalMillis: metricExportIntervalMs() }));
  const sdk = new NodeSDK({
    resource: resourceFromAttributes({ 'service.name': options.serviceName }),
    // Tests read spans as soon as they end; production batches.
    ...(options.exporter ? { spanProcessors: [new SimpleSpanProcessor(exporter)] } : { traceExporter: exporter }),
    ...(metricReader ? { metricReaders: [metricReader] } : {}),
    instrumentations: [new HttpInstrumentation(), new GrpcInstrumentation(), new MongoDBInstrumentation()],
  });
  sdk.start();
  return sdk;
}

/** For tests: spans kept in memory, read with `exporter.getFinishedSpans()`. */
export function startInMemoryTelemetry(serviceName = 'test'): {
  sdk: NodeSDK;
  exporter: InMemorySpanExporter;
  metrics: InMemoryMetricExporter;
  metricReader: PeriodicExportingMetricReader;
} {
  const exporter = new InMemorySpanExporter();
  const metrics = new InMemoryMetricExporter(AggregationTemporality.CUMULATIVE);
  const metricReader = new PeriodicExportingMetricReader({ exporter: metrics, exportIntervalMillis: 60_000 });
  return { sdk: startTelemetry({ serviceName, exporter, metricReader }), exporter, metrics, metricReader };
}
