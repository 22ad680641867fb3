import { parse } from 'yaml';
import { limitadorFlags, renderLimitsFile } from './limitadorConfig.ts';

const cr = (spec: unknown) => ({
  metadata: { name: 'limitador', namespace: 'kuadrant-system' },
  spec,
});

describe('renderLimitsFile', () => {
  it('renders spec.limits with the snake_case fields limitador-operator writes, name only when set', () => {
    const text = renderLimitsFile(
      cr({
        limits: [
          {
            namespace: 'llm/route',
            max_value: 5,
            seconds: 120,
            conditions: ['descriptors[0]["limit.free__1"] == "1"'],
            variables: ['descriptors[0]["auth.identity.userid"]'],
          },
          { namespace: 'llm/other', max_value: 1, seconds: 1, name: 'named' },
        ],
      }),
    );
    expect(parse(text)).toEqual([
      {
        namespace: 'llm/route',
        max_value: 5,
        seconds: 120,
        conditions: ['descriptors[0]["limit.free__1"] == "1"'],
        variables: ['descriptors[0]["auth.identity.userid"]'],
      },
      {
        namespace: 'llm/other',
        max_value: 1,
        seconds: 1,
        conditions: [],
        variables: [],
        name: 'named',
      },
    ]);
  });

  it('renders an empty list for a CR without limits, or no CR yet', () => {
    expect(parse(renderLimitsFile(cr({})))).toEqual([]);
    expect(parse(renderLimitsFile(undefined))).toEqual([]);
  });
});

describe('limitadorFlags', () => {
  it('turns telemetry exhaustive into limit names in labels, and rate limit headers into their flag', () => {
    expect(limitadorFlags(cr({}))).toEqual([]);
    expect(
      limitadorFlags(
        cr({ telemetry: 'exhaustive', rateLimitHeaders: 'DRAFT_VERSION_03' }),
      ),
    ).toEqual([
      '--limit-name-in-labels',
      '--rate-limit-headers=DRAFT_VERSION_03',
    ]);
    expect(
      limitadorFlags(cr({ telemetry: 'basic', rateLimitHeaders: 'NONE' })),
    ).toEqual([]);
  });
});
