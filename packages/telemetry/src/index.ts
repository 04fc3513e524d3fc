export { metricExportIntervalMs, startTelemetry, startInMemoryTelemetry, type TelemetryOptions } from './sdk';
