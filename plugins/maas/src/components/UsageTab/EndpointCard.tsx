import {
  CodeSnippet,
  CopyTextButton,
  InfoCard,
} from '@backstage/core-components';
import { Box, makeStyles, Tab, Tabs, Typography } from '@material-ui/core';
import { Alert } from '@material-ui/lab';
import { ModelExamples } from '@maas-portal/plugin-maas-common';
import { useState } from 'react';
import { ModelDetails } from '../../api/MaasApi';

const EXAMPLES: Array<{
  key: keyof ModelExamples;
  label: string;
  language: string;
}> = [
  { key: 'curl', label: 'curl', language: 'bash' },
  { key: 'python', label: 'Python', language: 'python' },
  { key: 'javascript', label: 'JavaScript', language: 'javascript' },
];

const AUTH_HINT: Record<ModelDetails['authMode'], string> = {
  'api-key': 'Send your API key in the Authorization header as "APIKEY <key>".',
  oidc: 'Send an OIDC access token in the Authorization header as "Bearer <token>".',
  none: 'The model asks for no credentials.',
  unknown: 'The portal could not tell how the model authenticates callers.',
};

/**
 * Backstage's CodeSnippet colours tokens with highlight.js' "docco" theme, as inline styles; six of
 * its colours are below WCAG AA contrast (4.5:1) on its background (axe: color-contrast). Each is
 * replaced by a darker shade of the same hue.
 */
const DOCCO_LOW_CONTRAST: Record<string, string> = {
  'rgb(0, 134, 179)': '#00698c',
  'rgb(33, 145, 97)': '#1a7550',
  'rgb(64, 128, 128)': '#2e6b6b',
  'rgb(64, 160, 112)': '#2b7a5a',
  'rgb(153, 153, 153)': '#6b6b6b',
  'rgb(187, 102, 136)': '#9a4a6a',
};

const useStyles = makeStyles({
  readable: Object.fromEntries(
    Object.entries(DOCCO_LOW_CONTRAST).map(([from, to]) => [
      // The commas escaped (\2c): JSS splits a selector at every comma, even inside quotes.
      `& code span[style*="${from.replace(/, /g, '\\2c  ')}"]`,
      { color: `${to} !important` },
    ]),
  ),
});

/** Where to call a model, and ready-to-run calls filled in with its name and host. */
export function EndpointCard(props: { model: ModelDetails }) {
  const { model } = props;
  const [tab, setTab] = useState(0);
  const classes = useStyles();
  const example = EXAMPLES[tab];
  return (
    <InfoCard title="Endpoint">
      {!model.url ? (
        <Alert severity="info">
          This model has no public URL yet: its HTTPRoute is missing or names no
          hostname. Attach an HTTPRoute with a hostname to the Gateway to reach
          the model.
        </Alert>
      ) : (
        <Box display="flex" flexDirection="column" style={{ gap: 12 }}>
          <Box display="flex" alignItems="center" style={{ gap: 8 }}>
            <Typography
              variant="body1"
              component="code"
              aria-label="Endpoint URL"
            >
              {model.url}
            </Typography>
            <CopyTextButton
              text={model.url}
              aria-label="Copy URL"
              tooltipText="URL copied"
            />
          </Box>
          <Typography variant="body2">
            Model name: <code>{model.modelName}</code>.{' '}
            {AUTH_HINT[model.authMode]}
          </Typography>
          {model.examples && (
            <>
              <Tabs
                value={tab}
                onChange={(_, value: number) => setTab(value)}
                aria-label="Examples"
                indicatorColor="primary"
              >
                {EXAMPLES.map(e => (
                  <Tab key={e.key} label={e.label} />
                ))}
              </Tabs>
              <Box
                className={classes.readable}
                position="relative"
                role="tabpanel"
                aria-label={`${example.label} example`}
              >
                <CodeSnippet
                  text={model.examples[example.key]}
                  language={example.language}
                  // Long calls wrap instead of running out of the card; the copy button keeps
                  // a margin of its own.
                  wrapLongLines
                  customStyle={{ margin: 0, paddingRight: 48 }}
                />
                <Box position="absolute" top={4} right={4}>
                  <CopyTextButton
                    text={model.examples[example.key]}
                    aria-label={`Copy ${example.label} example`}
                    tooltipText="Example copied"
                  />
                </Box>
              </Box>
            </>
          )}
        </Box>
      )}
    </InfoCard>
  );
}
