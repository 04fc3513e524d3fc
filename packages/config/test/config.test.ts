import { ConfigError, env, loadConfig } from '../src';

const shape = {
  SERVICE_PORT: env.port(8080),
  UPSTREAM_ADDR: env.address('127.0.0.1:50051'),
  FEATURE_ON: env.bool(false),
};

describe('loadConfig', () => {
  test('defaults apply to unset and empty variables', () => {
    expect(loadConfig(shape, { FEATURE_ON: '' })).toEqual({ SERVICE_PORT: 8080, UPSTREAM_ADDR: '127.0.0.1:50051', FEATURE_ON: false });
  });

  test('values are coerced', () => {
    expect(loadConfig(shape, { SERVICE_PORT: '9000', FEATURE_ON: 'true' })).toMatchObject({ SERVICE_PORT: 9000, FEATURE_ON: true });
  });

  test('every bad variable is named', () => {
    let error: unknown;
    try {
      loadConfig(shape, { SERVICE_PORT: 'eighty', UPSTREAM_ADDR: 'no-port', FEATURE_ON: 'yes' });
    } catch (err) {
      error = err;
    }
    expect(error).toBeInstanceOf(ConfigError);
    const problems = (error as ConfigError).problems.join('\n');
    expect(problems).toMatch(/^SERVICE_PORT: /m);
    expect(problems).toMatch(/^UPSTREAM_ADDR: expected host:port/m);
    expect(problems).toMatch(/^FEATURE_ON: /m);
  });
});
