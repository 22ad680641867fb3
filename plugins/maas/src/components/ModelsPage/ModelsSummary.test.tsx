import { Entity } from '@backstage/catalog-model';
import { catalogApiRef } from '@backstage/plugin-catalog-react';
import { catalogApiMock } from '@backstage/plugin-catalog-react/testUtils';
import { TestApiProvider } from '@backstage/test-utils';
import { screen } from '@testing-library/react';
import {
  MAAS_INFERENCE_SERVICE_ANNOTATION,
  ModelList,
} from '@maas-portal/plugin-maas-common';
import { rejectWith } from '../../__testUtils__/responseError';
import { model } from '../../__testUtils__/fixtures';
import { renderWithApis } from '../../__testUtils__/renderWithApis';
import { ModelsSummary } from './ModelsSummary';

const entity = (name: string, type: string): Entity => ({
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'Component',
  metadata: {
    name,
    namespace: 'default',
    annotations: { [MAAS_INFERENCE_SERVICE_ANNOTATION]: `llm/${name}` },
  },
  spec: { type, owner: 'group:default/ml', lifecycle: 'production' },
});

const render = (
  entities: Entity[],
  listModels: () => Promise<ModelList> = async () => ({
    items: [model({ entityRef: 'component:default/qwen3' })],
    notReadable: [],
    everyInferenceService: false,
    warnings: [],
    cache: { ageSeconds: 0 },
  }),
) =>
  renderWithApis(
    <TestApiProvider apis={[[catalogApiRef, catalogApiMock({ entities })]]}>
      <ModelsSummary />
    </TestApiProvider>,
    { listModels },
  );

describe('ModelsSummary (home widget)', () => {
  it('lists the model servers of the catalog with their health', async () => {
    await render([entity('qwen3', 'model-server'), entity('web', 'service')]);
    expect(
      await screen.findByRole('link', { name: 'qwen3' }),
    ).toBeInTheDocument();
    expect(await screen.findByText('healthy')).toBeInTheDocument();
    expect(screen.queryByRole('link', { name: 'web' })).not.toBeInTheDocument();
    expect(screen.getByRole('link', { name: 'All models' })).toHaveAttribute(
      'href',
      '/maas/models',
    );
  });

  it('lists the models and says once why their health is missing', async () => {
    await render([entity('qwen3', 'model-server')], () =>
      rejectWith(503, 'No cluster is configured'),
    );
    expect(
      await screen.findByRole('link', { name: 'qwen3' }),
    ).toBeInTheDocument();
    expect(await screen.findAllByText(/No cluster is configured/)).toHaveLength(
      1,
    );
  });

  it('seen as a developer: shows the health of the models they may read, and says which they may not', async () => {
    await render(
      [entity('qwen3', 'model-server'), entity('closed', 'model-server')],
      async () => ({
        items: [model({ entityRef: 'component:default/qwen3' })],
        notReadable: ['component:default/closed'],
        everyInferenceService: false,
        warnings: [],
        cache: { ageSeconds: 0 },
      }),
    );
    expect(await screen.findByText('healthy')).toBeInTheDocument();
    expect(
      screen.getByText('not yours to read (maas.model.read)'),
    ).toBeInTheDocument();
  });

  it('says how to get a model when there is none', async () => {
    await render([]);
    expect(
      await screen.findByText(/No model is in the catalog yet/),
    ).toBeInTheDocument();
  });
});
