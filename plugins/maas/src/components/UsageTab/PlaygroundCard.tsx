import { InfoCard } from '@backstage/core-components';
import { useApi } from '@backstage/core-plugin-api';
import {
  Box,
  Button,
  MenuItem,
  TextField,
  Typography,
} from '@material-ui/core';
import { Alert, AlertTitle } from '@material-ui/lab';
import {
  ModelView,
  PLAYGROUND_MAX_TOKENS,
} from '@maas-portal/plugin-maas-common';
import { useRef, useState } from 'react';
import { maasApiRef } from '../../api/MaasApi';
import { PlaygroundResult } from '../../api/chatStream';
import { useKeys } from '../../hooks/useKeys';
import { useQuota } from '../../hooks/useQuota';
import { ErrorAlert } from '../ErrorAlert';
import { QuotaLines } from '../Quota/QuotaLines';

/** The key picker's choice when the pasted key is none of the listed ones. */
const OTHER_KEY = 'other';

const numbers = new Intl.NumberFormat('en');

/** "12 prompt + 8 completion = 20 tokens" */
export function tokensText(usage: NonNullable<PlaygroundResult['usage']>) {
  return `${numbers.format(usage.prompt_tokens)} prompt + ${numbers.format(
    usage.completion_tokens,
  )} completion = ${numbers.format(usage.total_tokens)} tokens`;
}

/**
 * "Try it": a chat completion through the model's own gateway route, as a client would send it,
 * with one of the user's keys (its value pasted: the portal keeps keys only as Secrets and shows
 * a value once) or, for an OpenID Connect model, an access token. The answer shows as it streams,
 * then the tokens it used, the gateway's status (a refusal explained) and the quota left after the
 * call, as the Quota card reads it. The pasted value lives in this card's state only: not in the
 * URL, not in storage, not in a log.
 */
export function PlaygroundCard(props: {
  entityRef: string;
  model: Pick<ModelView, 'authMode' | 'modelName'>;
  /** After each call, so that the page's other quota figures are read again. */
  onCalled?: () => void;
  /** Changes when a key was issued or changed elsewhere on the page: the key list is read again. */
  keysRefresh?: number;
}) {
  const { entityRef, model, onCalled, keysRefresh } = props;
  const api = useApi(maasApiRef);
  const apiKeyModel = model.authMode === 'api-key';
  const needsCredential = model.authMode !== 'none';
  const keys = useKeys({ entityRef, mine: true }, keysRefresh);
  const working = apiKeyModel
    ? (keys.value ?? []).filter(
        k => k.state === 'active' || k.state === 'rotating',
      )
    : [];
  const [keyId, setKeyId] = useState<string>('');
  const [credential, setCredential] = useState('');
  const [prompt, setPrompt] = useState('Hello! Who are you?');
  const [maxTokens, setMaxTokens] = useState('64');
  const [sending, setSending] = useState(false);
  const [content, setContent] = useState('');
  const [result, setResult] = useState<PlaygroundResult>();
  const [failure, setFailure] = useState<Error>();
  const [called, setCalled] = useState(false);
  const [stopped, setStopped] = useState(false);
  const quota = useQuota(entityRef);
  const abort = useRef<AbortController>();

  const picked = working.find(k => k.id === keyId);
  const tier = picked?.tier;
  const maxTokensValue = Number(maxTokens);
  const maxTokensValid =
    Number.isInteger(maxTokensValue) &&
    maxTokensValue >= 1 &&
    maxTokensValue <= PLAYGROUND_MAX_TOKENS;
  const canSend =
    !sending &&
    prompt.trim() !== '' &&
    maxTokensValid &&
    (!needsCredential || credential.trim() !== '');

  const send = async () => {
    abort.current?.abort();
    const controller = new AbortController();
    abort.current = controller;
    setSending(true);
    setContent('');
    setResult(undefined);
    setFailure(undefined);
    setStopped(false);
    try {
      const answer = await api.sendPlayground(
        entityRef,
        {
          messages: [{ role: 'user', content: prompt }],
          maxTokens: maxTokensValue,
          credential: needsCredential ? credential.trim() : '',
          ...(tier ? { tier } : {}),
        },
        setContent,
        controller.signal,
      );
      setResult(answer);
      setContent(answer.content);
    } catch (e) {
      // Stop: the answer so far stays, the call is not a failure.
      if (controller.signal.aborted) setStopped(true);
      else setFailure(e as Error);
    } finally {
      setSending(false);
      setCalled(true);
      // The quota after the call: the same read as the Quota card's.
      quota.retry();
      onCalled?.();
    }
  };

  const refusal = result?.refusal;
  return (
    <InfoCard title="Try it">
      <Box display="flex" flexDirection="column" style={{ gap: 16 }}>
        <Typography variant="body2">
          Sends a chat completion to {model.modelName} through its gateway
          route, as any client would: it counts against your quota.
        </Typography>
        {apiKeyModel && (
          <TextField
            select
            id="playground-key"
            label="Your key"
            value={keyId}
            onChange={e => setKeyId(e.target.value as string)}
            helperText={
              keys.loading
                ? 'Loading your keys…'
                : 'Which key you paste below: its tier explains a refusal'
            }
            variant="outlined"
            size="small"
          >
            {working.map(k => (
              <MenuItem key={k.id} value={k.id}>
                {`${k.name ?? k.displayPrefix} (${k.tier})`}
              </MenuItem>
            ))}
            <MenuItem value={OTHER_KEY}>Another key</MenuItem>
          </TextField>
        )}
        {needsCredential && (
          <TextField
            id="playground-credential"
            label={apiKeyModel ? 'Key value to send' : 'Access token'}
            type="password"
            autoComplete="off"
            value={credential}
            onChange={e => setCredential(e.target.value)}
            helperText={
              apiKeyModel
                ? 'Paste the value you stored when the key was shown. It is sent once, through the portal, and never kept.'
                : 'An access token from the model’s OpenID Connect issuer. It is sent once, through the portal, and never kept.'
            }
            variant="outlined"
            size="small"
            inputProps={{ spellCheck: false }}
          />
        )}
        <TextField
          id="playground-prompt"
          label="Prompt"
          multiline
          minRows={2}
          value={prompt}
          onChange={e => setPrompt(e.target.value)}
          variant="outlined"
        />
        <Box display="flex" alignItems="flex-start" style={{ gap: 16 }}>
          <TextField
            id="playground-max-tokens"
            label="Max tokens"
            type="number"
            value={maxTokens}
            onChange={e => setMaxTokens(e.target.value)}
            error={!maxTokensValid}
            helperText={`1 to ${PLAYGROUND_MAX_TOKENS}`}
            variant="outlined"
            size="small"
            inputProps={{ min: 1, max: PLAYGROUND_MAX_TOKENS }}
          />
          <Button
            color="primary"
            variant="contained"
            disabled={!canSend}
            onClick={send}
          >
            {sending ? 'Sending…' : 'Send'}
          </Button>
          {sending && (
            // Aborts the fetch: the portal then closes its call to the gateway.
            <Button variant="outlined" onClick={() => abort.current?.abort()}>
              Stop
            </Button>
          )}
        </Box>
        {failure && <ErrorAlert error={failure} action="send the call" />}
        {result && (
          <Typography variant="body2" aria-label="Gateway status">
            {refusal
              ? `Status ${refusal.status}: ${refusal.title}`
              : `Status ${result.status}: answered${
                  result.streamed ? ', streamed' : ''
                }`}
          </Typography>
        )}
        {refusal && (
          <Alert
            severity={refusal.status === 429 ? 'warning' : 'error'}
            aria-label="Why the gateway refused"
          >
            <AlertTitle>{refusal.title}</AlertTitle>
            {refusal.explanation}
          </Alert>
        )}
        {(sending || content) && !refusal && (
          <Box
            aria-label="Answer"
            aria-live="polite"
            p={1.5}
            border={1}
            borderColor="divider"
            borderRadius={4}
          >
            <Typography variant="body2" style={{ whiteSpace: 'pre-wrap' }}>
              {content || '…'}
            </Typography>
          </Box>
        )}
        {result?.error && <Alert severity="warning">{result.error}</Alert>}
        {stopped && (
          <Typography variant="body2" aria-label="Stopped">
            Stopped: the answer above is what the model sent until then. The
            call counts against your quota all the same.
          </Typography>
        )}
        {result && !refusal && (
          <Typography variant="body2" aria-label="Tokens used">
            {result.usage
              ? `Tokens used: ${tokensText(result.usage)}`
              : 'Tokens used: the model reported no usage'}
          </Typography>
        )}
        {called && (
          <Box aria-label="Quota after the call">
            <Typography variant="subtitle2">
              Your quota after the call
            </Typography>
            {quota.error && (
              <ErrorAlert error={quota.error} action="see your quota" />
            )}
            {quota.value && (
              <QuotaLines
                quota={quota.value}
                tiers={tier ? [tier] : undefined}
              />
            )}
          </Box>
        )}
      </Box>
    </InfoCard>
  );
}
