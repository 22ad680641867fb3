import { ConfigReader } from '@backstage/config';
import { pricesFor, readPricingConfig } from './pricingConfig';

const TIERS = ['free', 'premium', 'enterprise'];
const read = (pricing: unknown) =>
  readPricingConfig(new ConfigReader({ pricing } as any), TIERS);

describe('maas.pricing', () => {
  it('is optional: without it costs are not priced', () => {
    expect(readPricingConfig(new ConfigReader({}), TIERS)).toBeUndefined();
  });

  it('reads tier and model prices, and a model price overrides its tier price field by field', () => {
    const pricing = read({
      currency: 'EUR',
      tiers: [{ tier: 'premium', perMillionTokens: 2, perThousandRequests: 1 }],
      models: [{ model: 'llm/qwen3', perMillionTokens: '4.5' }],
    })!;
    expect(pricing.decimals).toBe(2);
    expect(pricesFor(pricing, 'llm/qwen3', 'premium')).toEqual({
      perMillionTokens: 4.5,
      perThousandRequests: 1,
    });
    expect(pricesFor(pricing, 'llm/other', 'premium')).toEqual({
      perMillionTokens: 2,
      perThousandRequests: 1,
    });
    expect(pricesFor(pricing, 'llm/qwen3', 'free')).toEqual({
      perMillionTokens: 4.5,
    });
    expect(pricesFor(pricing, 'llm/other', 'free')).toEqual({});
  });

  it.each([
    [{ tiers: [] }, /^maas\.pricing\.currency must be an ISO 4217 code/],
    [
      { currency: 'euro' },
      /^maas\.pricing\.currency must be an ISO 4217 code .*got "euro"/,
    ],
    [
      { currency: 'EUR' },
      /^maas\.pricing sets no price: add maas\.pricing\.tiers\[\] or maas\.pricing\.models\[\]/,
    ],
    [
      {
        currency: 'EUR',
        decimals: 2.5,
        tiers: [{ tier: 'free', perMillionTokens: 0 }],
      },
      /^maas\.pricing\.decimals must be a whole number from 0 to 6/,
    ],
    [
      {
        currency: 'EUR',
        models: [
          { model: 'llm/a', perMillionTokens: 1 },
          { model: 'llm/b', perMillionTokens: 1 },
          { model: 'llm/c', perMillionTokens: -1 },
        ],
      },
      /^maas\.pricing\.models\[2\]\.perMillionTokens must be a non-negative number, got -1$/,
    ],
    [
      {
        currency: 'EUR',
        models: [{ model: 'llm/a', perThousandRequests: 'ten' }],
      },
      /^maas\.pricing\.models\[0\]\.perThousandRequests must be a non-negative number, got "ten"$/,
    ],
    [
      { currency: 'EUR', tiers: [{ tier: 'gold', perMillionTokens: 1 }] },
      /^maas\.pricing\.tiers\[0\]\.tier: "gold" is not a tier of maas\.tiers \(free, premium, enterprise\)$/,
    ],
    [
      { currency: 'EUR', tiers: [{ tier: 'free' }] },
      /^maas\.pricing\.tiers\[0\] sets no price: give perMillionTokens, perThousandRequests or both$/,
    ],
    [
      { currency: 'EUR', models: [{ model: 'qwen3', perMillionTokens: 1 }] },
      /^maas\.pricing\.models\[0\]\.model: "qwen3" is not <namespace>\/<name> of the model's InferenceService/,
    ],
    [
      {
        currency: 'EUR',
        tiers: [
          { tier: 'free', perMillionTokens: 0 },
          { tier: 'free', perMillionTokens: 1 },
        ],
      },
      /^maas\.pricing\.tiers\[1\]\.tier: "free" is priced twice/,
    ],
  ])('refuses %j naming the key', (pricing, message) => {
    expect(() => read(pricing)).toThrow(message);
  });
});
