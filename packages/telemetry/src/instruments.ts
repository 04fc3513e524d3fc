/**
 * Metric instruments of the platform's packages, made from the global meter provider when first
 * used and made again if the provider changed since. @opentelemetry/api hands out a no-op meter
 * for good when asked before the SDK is started, which is the order in tests (modules are
 * imported, then the in-memory SDK starts); in services `--require @repo/telemetry/register`
 * starts it first. Only @opentelemetry/api and core are loaded here, not the SDK.
 *
 *   const instruments = meterInstruments('@repo/bus', (meter) => ({ runs: meter.createCounter('...') }));
 *   instruments().runs.add(1);
 */
import { context, metrics, type Meter } from '@opentelemetry/api';
import { getRPCMetadata, RPCType } from '@opentelemetry/core';

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

/**
 * Names the route of the HTTP request being served (a pattern such as `/api/v1/documents/:id`,
 * never the raw URL): the SDK's http instrumentation then puts it as `http.route` on the
 * request's server span (named `POST /api/v1/documents/:id`) and on `http.server.request.duration`,
 * which makes that metric RED per route. A no-op without the SDK.
 */
export function nameHttpRoute(route: string): void {
  const metadata = getRPCMetadata(context.active());
  if (metadata?.type === RPCType.HTTP) metadata.route = route;
}
