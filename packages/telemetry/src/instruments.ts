/**
 * Metric instruments of the platform's packages, made from the global meter provider when first
 * used and made again if the provider changed since. @opentelemetry/api hands out a no-op meter
 * for good when asked before the SDK is started, which is the order in tests (modules are
 * imported, then the in-memory SDK starts); in services `--require @repo/telemetry/register`
 * starts it first. Only @opentelemetry/api is loaded here, not the SDK.
 *
 *   const instruments = meterInstruments('@repo/bus', (meter) => ({ runs: meter.createCounter('...') }));
 *   instruments().runs.add(1);
 */
import { metrics, type Meter } from '@opentelemetry/api';

export function meterInstruments<T>(scope: string, make: (meter: Meter) => T): () => T {
  let provider: unknown;
  let made: T | undefined;
  return () => {
    const current = metrics.getMeterProvider();
    if (made === undefined || current !== provider) {
      provider = current;
      made = make(current.getMeter(scope));
    }
    return made;
  };
}
