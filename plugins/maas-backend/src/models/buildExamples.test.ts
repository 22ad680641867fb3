import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildExamples } from './buildExamples';

// The snippets run for real (bash, Python, Node) with hostile values and stand-ins for curl and the
// OpenAI clients that print what they were given: each value must arrive exactly as it is, and
// nothing in it may run (a `touch PWNED` leaves a file behind).
const HOSTILE_NAME = `q'"; touch PWNED; $(touch PWNED) \`touch PWNED\` \\ \${x} \n\u2028end`;
const HOSTILE_URL = `https://qwen3.maas.local/'$(touch PWNED)"\`touch PWNED\``;

const PYTHON_OPENAI = `
import json
class OpenAI:
    def __init__(self, base_url, api_key, default_headers):
        self.base_url, self.headers = base_url, default_headers
        self.chat = self
        self.completions = self
    def create(self, model, messages):
        print(json.dumps({"baseUrl": self.base_url, "model": model, "auth": self.headers["Authorization"]}))
        raise SystemExit(0)
`;

const JS_OPENAI = `
export default class OpenAI {
  constructor(options) { this.options = options; this.chat = { completions: this }; }
  async create(request) {
    console.log(JSON.stringify({ baseUrl: this.options.baseURL, model: request.model,
      auth: this.options.defaultHeaders.Authorization }));
    process.exit(0);
  }
}
`;

describe('buildExamples', () => {
  let dir: string;
  const examples = buildExamples({
    url: HOSTILE_URL,
    modelName: HOSTILE_NAME,
    authMode: 'api-key',
  });
  const env = { ...process.env, MAAS_API_KEY: 'maas_key123' };

  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'maas-examples-'));
    writeFileSync(join(dir, 'openai.py'), PYTHON_OPENAI);
    mkdirSync(join(dir, 'node_modules', 'openai'), { recursive: true });
    writeFileSync(
      join(dir, 'node_modules', 'openai', 'package.json'),
      '{"name":"openai","type":"module","main":"index.js"}',
    );
    writeFileSync(join(dir, 'node_modules', 'openai', 'index.js'), JS_OPENAI);
  });

  /** Nothing of the hostile values ran: no `touch PWNED` left its file. */
  const expectNothingRan = () =>
    expect(existsSync(join(dir, 'PWNED'))).toBe(false);

  it('M2: the curl call passes a hostile URL and model name as data, never as shell code', () => {
    const script = `curl() { printf '%s\\0' "$@"; }\n${examples.curl}`;
    const args = execFileSync('bash', ['-c', script], { cwd: dir, env })
      .toString()
      .split('\0')
      .slice(0, -1);
    expect(args).toEqual([
      '-sS',
      `${HOSTILE_URL}/v1/chat/completions`,
      '-H',
      'Authorization: APIKEY maas_key123',
      '-H',
      'Content-Type: application/json',
      '-d',
      expect.any(String),
    ]);
    expect(JSON.parse(args[7]).model).toBe(HOSTILE_NAME);
    expectNothingRan();
  });

  it('M2: the Python call gets the hostile URL and model name as plain strings', () => {
    writeFileSync(join(dir, 'call.py'), examples.python);
    const out = execFileSync('python3', ['call.py'], { cwd: dir, env });
    expect(JSON.parse(out.toString())).toEqual({
      baseUrl: `${HOSTILE_URL}/v1`,
      model: HOSTILE_NAME,
      auth: 'APIKEY maas_key123',
    });
    expectNothingRan();
  });

  it('M2: the JavaScript call gets the hostile URL and model name as plain strings', () => {
    writeFileSync(join(dir, 'call.mjs'), examples.javascript);
    const out = execFileSync(process.execPath, ['call.mjs'], { cwd: dir, env });
    expect(JSON.parse(out.toString())).toEqual({
      baseUrl: `${HOSTILE_URL}/v1`,
      model: HOSTILE_NAME,
      auth: 'APIKEY maas_key123',
    });
    expectNothingRan();
  });

  it('reads as before for an ordinary model', () => {
    const plain = buildExamples({
      url: 'http://qwen3.maas.local',
      modelName: 'qwen3',
      authMode: 'oidc',
    });
    expect(plain.curl).toBe(
      [
        "curl -sS 'http://qwen3.maas.local/v1/chat/completions' \\",
        '  -H "Authorization: Bearer $MAAS_TOKEN" \\',
        '  -H "Content-Type: application/json" \\',
        `  -d '{"model":"qwen3","messages":[{"role":"user","content":"Hello!"}]}'`,
      ].join('\n'),
    );
    expect(plain.python).toContain('model="qwen3"');
    expect(plain.javascript).toContain('model: "qwen3",');
  });
});
