import { simulatorArgs } from './modelServers.ts';

describe('simulatorArgs', () => {
  it("runs the simulator container's own args with the port left to the harness", () => {
    expect(
      simulatorArgs({
        metadata: { name: 'sim', namespace: 'llm' },
        spec: {
          predictor: {
            containers: [
              {
                args: [
                  '--model',
                  'my-model',
                  '--port',
                  '8080',
                  '--time-to-first-token',
                  '10',
                ],
              },
            ],
          },
        },
      }),
    ).toEqual({
      model: 'my-model',
      args: ['--model', 'my-model', '--time-to-first-token', '10'],
    });
    expect(
      simulatorArgs({
        metadata: { name: 'sim', namespace: 'llm' },
        spec: {
          predictor: { containers: [{ args: ['--model=m2', '--port=8080'] }] },
        },
      }),
    ).toEqual({ model: 'm2', args: ['--model=m2'] });
  });

  it('gives a container without --model the InferenceService name', () => {
    expect(
      simulatorArgs({
        metadata: { name: 'qwen3', namespace: 'llm' },
        spec: { predictor: { containers: [{ image: 'sim:latest' }] } },
      }),
    ).toEqual({ model: 'qwen3', args: ['--model=qwen3'] });
  });

  it('serves a vLLM InferenceService under its own name, as --served-model-name={{.Name}} does', () => {
    expect(
      simulatorArgs({
        metadata: { name: 'qwen3', namespace: 'llm' },
        spec: { predictor: { model: { modelFormat: { name: 'vLLM' } } } },
      }),
    ).toEqual({ model: 'qwen3', args: ['--model=qwen3'] });
  });
});
