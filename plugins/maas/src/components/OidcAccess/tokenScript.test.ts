import { tokenScript } from './tokenScript';

describe('tokenScript', () => {
  it('M2: quotes a hostile issuer, client, URL and model name as single shell words', () => {
    const script = tokenScript({
      issuer: "https://sso.example.com/';touch PWNED;'$(id)",
      clientId: 'cli$(id)',
      url: 'https://m.maas.local/`id`',
      modelName: "it's",
    });
    const lines = script.split('\n');
    expect(lines[0]).toBe(
      `ISSUER='https://sso.example.com/'\\'';touch PWNED;'\\''$(id)'`,
    );
    expect(lines[1]).toBe(`CLIENT_ID='cli$(id)'`);
    expect(script).toContain(
      `curl 'https://m.maas.local/\`id\`/v1/chat/completions' \\`,
    );
    // The request body is one single-quoted word; the model name's quote closes and reopens it.
    expect(lines[lines.length - 1]).toBe(
      `  -d '{"model":"it'\\''s","messages":[{"role":"user","content":"Hello!"}]}'`,
    );
  });
});
