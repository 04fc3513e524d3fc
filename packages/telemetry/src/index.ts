export { startTelemetry, startInMemoryTelemetry, type TelemetryOptions } from './sdk';
