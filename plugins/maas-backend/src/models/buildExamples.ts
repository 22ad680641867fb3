import {
  codeString,
  ModelExamples,
  ModelView,
  shellQuote,
} from '@maas-portal/plugin-maas-common';

/**
 * Calls a developer can paste: the key or token comes from an environment variable, never from
 * the page, so that a screenshot or a shell history does not leak it. The URL and the model name
 * come from the cluster: each is quoted for its language (shellQuote, codeString), never pasted raw.
 */
export function buildExamples(options: {
  url: string;
  modelName: string;
  authMode: ModelView['authMode'];
}): ModelExamples {
  const { url, modelName, authMode } = options;
  const oidc = authMode === 'oidc';
  const variable = oidc ? 'MAAS_TOKEN' : 'MAAS_API_KEY';
  const scheme = oidc ? 'Bearer' : 'APIKEY';
  const body = JSON.stringify({
    model: modelName,
    messages: [{ role: 'user', content: 'Hello!' }],
  });
  return {
    curl: [
      `curl -sS ${shellQuote(`${url}/v1/chat/completions`)} \\`,
      `  -H "Authorization: ${scheme} $${variable}" \\`,
      `  -H "Content-Type: application/json" \\`,
      `  -d ${shellQuote(body)}`,
    ].join('\n'),
    python: [
      'import os',
      'from openai import OpenAI',
      '',
      `client = OpenAI(base_url=${codeString(`${url}/v1`)}, api_key="unused",`,
      `                default_headers={"Authorization": f"${scheme} {os.environ['${variable}']}"})`,
      `reply = client.chat.completions.create(model=${codeString(modelName)},`,
      `                                       messages=[{"role": "user", "content": "Hello!"}])`,
      'print(reply.choices[0].message.content)',
    ].join('\n'),
    javascript: [
      "import OpenAI from 'openai';",
      '',
      'const client = new OpenAI({',
      `  baseURL: ${codeString(`${url}/v1`)},`,
      "  apiKey: 'unused',",
      `  defaultHeaders: { Authorization: \`${scheme} \${process.env.${variable}}\` },`,
      '});',
      'const reply = await client.chat.completions.create({',
      `  model: ${codeString(modelName)},`,
      "  messages: [{ role: 'user', content: 'Hello!' }],",
      '});',
      'console.log(reply.choices[0].message.content);',
    ].join('\n'),
  };
}
